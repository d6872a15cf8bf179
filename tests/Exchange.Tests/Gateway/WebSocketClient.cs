using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Exchange.Tests.Gateway;

/// <summary>A test's WebSocket connection to the gateway's /ws, reading whole JSON messages with a deadline.</summary>
internal sealed class WebSocketClient(WebSocket socket) : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public WebSocket Socket { get; } = socket;

    public static async Task<WebSocketClient> Connect(GatewayHarness gateway)
    {
        var client = gateway.Server.CreateWebSocketClient();
        return new WebSocketClient(await client.ConnectAsync(new Uri(gateway.Server.BaseAddress, "ws"), CancellationToken.None));
    }

    public Task Send(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task Send(object message) => Send(Api.Json(message));

    /// <summary>The next message; null when the server closed the connection.</summary>
    public async Task<JsonObject?> Receive()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await Socket.ReceiveAsync(buffer, deadline.Token);
            if (received.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage) return JsonNode.Parse(message.ToArray())!.AsObject();
        }
    }

    /// <summary>The next message, which must be of one of the given types.</summary>
    public async Task<JsonObject> Expect(params string[] types)
    {
        var message = await Receive() ?? throw new InvalidOperationException($"closed while waiting for {string.Join(" or ", types)}");
        return types.Contains(message["type"]!.GetValue<string>())
            ? message
            : throw new InvalidOperationException($"expected {string.Join(" or ", types)}, got {message.ToJsonString()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try { await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { }
        }
        Socket.Dispose();
    }
}

/// <summary>An L2 book rebuilt from the WebSocket: a snapshot, then deltas whose prevSequence must match.</summary>
internal sealed class WebSocketBook
{
    private readonly SortedDictionary<decimal, string> _bids = [];
    private readonly SortedDictionary<decimal, string> _asks = [];

    public long Sequence { get; private set; } = -1;

    public int Deltas { get; private set; }

    public void Apply(JsonObject message)
    {
        var type = message["type"]!.GetValue<string>();
        if (type == "snapshot")
        {
            _bids.Clear();
            _asks.Clear();
        }
        else
        {
            Assert.Equal("delta", type);
            Assert.Equal(Sequence, message["prevSequence"]!.GetValue<long>()); // no gap, nothing repeated
            Deltas++;
        }
        Set(_bids, message["bids"]!.AsArray());
        Set(_asks, message["asks"]!.AsArray());
        Sequence = message["sequence"]!.GetValue<long>();
    }

    /// <summary>As REST lists levels: bids best (highest) first, asks lowest first.</summary>
    public string Bids => Levels(_bids.Reverse());

    public string Asks => Levels(_asks);

    private static string Levels(IEnumerable<KeyValuePair<decimal, string>> levels) =>
        new JsonArray([.. levels.Select(l => new JsonArray(Price(l.Key), l.Value))]).ToJsonString();

    private static string Price(decimal price) => price.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture);

    private static void Set(SortedDictionary<decimal, string> side, JsonArray levels)
    {
        foreach (var level in levels)
        {
            var price = decimal.Parse(level![0]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var size = level[1]!.GetValue<string>();
            if (size == "0") side.Remove(price);
            else side[price] = size;
        }
    }
}
