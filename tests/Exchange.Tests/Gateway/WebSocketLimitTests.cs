using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// What a caller without a key can make the gateway hold over WebSockets: an outbox bounded in bytes (a client that
/// does not read is dropped, and nobody else waits for it), a message budget per connection, a connection cap per
/// address, and book snapshots written once per feed sequence however often a client subscribes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class WebSocketLimitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_client_that_never_reads_is_dropped_once_its_outbox_passes_the_byte_cap_while_another_keeps_receiving()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Gateway:WebSocketOutboxBytes"] = "65536",
        }, kestrel: true);
        var symbol = await gateway.NewMarket();
        var maker = await gateway.NewTrader();
        // A book of a few hundred levels: each snapshot is some kilobytes.
        for (var i = 0; i < 300; i++)
            Assert.Equal(201, (await maker.Limit(symbol, "buy", (100 + i * 0.5m).ToString(CultureInfo.InvariantCulture), "0.001")).Status);

        using var reader = await Connect(gateway, "ws");
        await Send(reader, new { op = "subscribe", channel = "book", symbol });
        var readerClient = new WebSocketClient(reader);
        await readerClient.Expect("subscribed");
        var snapshot = await readerClient.Expect("snapshot");

        using var stalled = await Connect(gateway, "ws", receiveBuffer: 4096);
        await Polling.Eventually(async () => Assert.Equal(2, await OpenSockets(gateway)));
        // Ask for snapshot after snapshot and never read one: the gateway must drop the socket rather than hold them.
        await Polling.Eventually(async () =>
        {
            try
            {
                for (var i = 0; i < 50; i++)
                {
                    await Send(stalled, new { op = "subscribe", channel = "book", symbol });
                    await Send(stalled, new { op = "unsubscribe", channel = "book", symbol });
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
                // dropped
            }
            Assert.Equal(1, await OpenSockets(gateway));
        }, TimeSpan.FromSeconds(30));

        // The reader was never held up: the next change reaches it at once.
        Assert.Equal(201, (await maker.Limit(symbol, "buy", "99", "0.001")).Status);
        using var soon = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var delta = await readerClient.Expect("delta").WaitAsync(soon.Token);
        Assert.Equal(snapshot["sequence"]!.GetValue<long>(), delta["prevSequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Connections_beyond_the_cap_per_address_are_refused_on_both_websocket_endpoints()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Gateway:WebSocketConnectionsPerAddress"] = "3",
        }, kestrel: true);
        using var first = await Connect(gateway, "ws");
        using var second = await Connect(gateway, "ws");
        using var third = await Connect(gateway, "fapi/ws");

        Assert.Equal(HttpStatusCode.TooManyRequests, await Refused(gateway, "ws"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Refused(gateway, "fapi/ws"));

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        // The closed connection's place is free again once the gateway has seen it go.
        await Polling.Eventually(async () => (await Connect(gateway, "ws")).Dispose());
    }

    [Fact]
    public async Task A_flood_of_subscribe_messages_is_refused_and_closed_with_a_code_and_writes_one_snapshot()
    {
        // Forty messages, then one an hour: the gateway's clock is fake, so nothing refills while the test runs.
        await using var gateway = await GatewayHarness.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:WebSocketMessages:Burst"] = "40",
            ["Gateway:RateLimits:WebSocketMessages:PerSecond"] = "1",
            ["Gateway:RateLimits:WebSocketMessages:Period"] = "01:00:00",
        });
        var symbol = await gateway.NewMarket();
        var maker = await gateway.NewTrader();
        for (var i = 0; i < 20; i++)
            Assert.Equal(201, (await maker.Limit(symbol, "sell", (200 + i * 0.5m).ToString(CultureInfo.InvariantCulture), "0.001")).Status);

        await using var client = await WebSocketClient.Connect(gateway);
        for (var i = 0; i < 20; i++)
        {
            await client.Send(new { op = "subscribe", channel = "book", symbol });
            await client.Expect("subscribed");
            await client.Expect("snapshot");
            await client.Send(new { op = "unsubscribe", channel = "book", symbol });
            await client.Expect("unsubscribed");
        }
        await client.Send(new { op = "subscribe", channel = "book", symbol });
        Assert.Equal("RATE_LIMITED", (await client.Expect("error"))["code"]!.GetValue<string>());
        Assert.Null(await client.Receive());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.Socket.CloseStatus);

        // Twenty subscriptions to an unchanged book: its snapshot was written once.
        var metrics = await Api.Send(gateway.Anonymous, HttpMethod.Get, "/metrics");
        Assert.Equal(1, Sample(metrics.Body, "exchange_gateway_book_snapshots_total"));
    }

    private static async Task<ClientWebSocket> Connect(GatewayHarness gateway, string path, int? receiveBuffer = null,
        ClientWebSocket? socket = null)
    {
        socket ??= new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var handler = new SocketsHttpHandler
        {
            // A small receive window, so that a client that does not read stops the gateway's sends early.
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (receiveBuffer is { } size) tcp.ReceiveBufferSize = size;
                await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        var address = new UriBuilder(gateway.Address!) { Scheme = "ws", Path = path }.Uri;
        await socket.ConnectAsync(address, invoker, CancellationToken.None);
        return socket;
    }

    /// <summary>The status the gateway answered a WebSocket request with, which must not be an upgrade.</summary>
    private static async Task<HttpStatusCode> Refused(GatewayHarness gateway, string path)
    {
        var socket = new ClientWebSocket();
        try
        {
            await Assert.ThrowsAsync<WebSocketException>(() => Connect(gateway, path, socket: socket));
            return socket.HttpStatusCode;
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static Task Send(WebSocket socket, object message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(Api.Json(message)), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<double> OpenSockets(GatewayHarness gateway) =>
        Sample((await Api.Send(gateway.Anonymous, HttpMethod.Get, "/metrics")).Body, "exchange_gateway_websocket_clients");

    private static double Sample(string text, string metric)
    {
        foreach (Match m in SampleLine().Matches(text))
            if (m.Groups["name"].Value == metric)
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        return -1;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
