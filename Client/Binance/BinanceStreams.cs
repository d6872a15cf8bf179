using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Exchange.Client.Hosting;
using Exchange.Client.MarketData;
using Exchange.Client.Markets;
using Exchange.Client.Telemetry;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Binance;

/// <summary>
/// Binance USDⓈ-M market streams over WebSocket at <c>/fapi/ws</c> (and <c>/fapi/{public|market}/ws/{n}</c>, where CCXT
/// connects): <c>{"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@trade"],"id":1}</c>, answered
/// <c>{"result":null,"id":1}</c>. Streams: <c>SYMBOL@depth</c> (any update speed: every committed batch is sent) as
/// <c>depthUpdate</c> events whose <c>U</c>/<c>u</c> are the first and last market sequence of the batch and <c>pu</c> the
/// previous event's <c>u</c>, to be applied on top of <c>GET /fapi/v1/depth</c> (its <c>lastUpdateId</c> is the market
/// sequence); <c>SYMBOL@trade</c> and <c>SYMBOL@aggTrade</c>. Fed by the gateway's shared <see cref="MarketFeed"/>s.
/// </summary>
public static class BinanceStreams
{
    public const int MaxMessageBytes = 4096, MaxStreams = 64;

    public static void Map(RouteGroupBuilder fapi)
    {
        fapi.Map("/ws", Accept);
        fapi.Map("/ws/{stream}", Accept);
        fapi.Map("/{category:regex(^(public|market)$)}/ws", Accept);
        fapi.Map("/{category:regex(^(public|market)$)}/ws/{stream}", Accept);
    }

    private static async Task Accept(HttpContext context, MarketDataHub hub, MarketDirectory markets, TimeProvider clock,
        IOptions<GatewayOptions> options, WebSocketConnections connections, GatewayMetrics metrics)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await new BinanceError(StatusCodes.Status400BadRequest, -1000, "this endpoint takes WebSocket connections only").WriteAsync(context);
            return;
        }
        using var place = connections.TryOpen(context);
        if (place is null)
        {
            metrics.WebSocketRefused();
            await BinanceErrors.RateLimited.WithDetail("too many WebSocket connections from this address").WriteAsync(context);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        metrics.WebSocketOpened();
        try
        {
            var outbox = new SocketOutbox(socket, options.Value.WebSocketOutboxBytes, metrics);
            var budget = new MessageBudget(options.Value.RateLimits.WebSocketMessages, clock);
            await new BinanceStreamSession(socket, outbox, budget, hub, markets, clock).Run(context.RequestAborted);
        }
        finally
        {
            metrics.WebSocketClosed();
        }
    }
}

/// <summary>
/// One connection: its subscriptions, each a translator of one market feed's messages, and one outbox bounded in bytes
/// (a client too slow for it is dropped); a client that sends more than its message budget is closed (1008).
/// </summary>
internal sealed class BinanceStreamSession(WebSocket socket, SocketOutbox outbox, MessageBudget budget, MarketDataHub hub,
    MarketDirectory markets, TimeProvider clock)
{
    private readonly Dictionary<string, (MarketFeed Feed, IFeedSubscriber Translator)> _streams = new(StringComparer.Ordinal);

    public bool Send(byte[] message) => outbox.TrySend(message);

    public async Task Run(CancellationToken cancellationToken)
    {
        var writer = outbox.Run(cancellationToken);
        try
        {
            await Read(cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away
        }
        finally
        {
            foreach (var (feed, translator) in _streams.Values) feed.Remove(translator);
            outbox.Complete();
            await writer;
        }
    }

    private async Task Read(CancellationToken cancellationToken)
    {
        var buffer = new byte[BinanceStreams.MaxMessageBytes];
        while (socket.State == WebSocketState.Open && !outbox.Dropped)
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (length == buffer.Length) return;
                received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += received.Count;
            }
            while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);
            if (received.MessageType == WebSocketMessageType.Close) return;
            if (!budget.TryTake())
            {
                Send(Error(BinanceErrors.RateLimited.WithDetail("too many messages on this connection; it is closed"), default));
                outbox.Drop(WebSocketCloseStatus.PolicyViolation, WebSocketSession.TooManyMessages, "flood");
                return;
            }
            await Handle(buffer.AsMemory(0, length));
        }
    }

    private async Task Handle(ReadOnlyMemory<byte> message)
    {
        JsonElement id = default;
        try
        {
            using var request = JsonDocument.Parse(message);
            var root = request.RootElement;
            id = root.TryGetProperty("id", out var given) ? given.Clone() : default;
            var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var streams = root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString()! : "").ToArray() : [];
            switch (method)
            {
                case "SUBSCRIBE":
                    foreach (var stream in streams) await Subscribe(stream);
                    break;
                case "UNSUBSCRIBE":
                    foreach (var stream in streams)
                        if (_streams.Remove(stream, out var s)) s.Feed.Remove(s.Translator);
                    break;
                case "LIST_SUBSCRIPTIONS":
                    Send(Write(w =>
                    {
                        w.WriteStartArray("result");
                        foreach (var name in _streams.Keys) w.WriteStringValue(name);
                        w.WriteEndArray();
                        Result(w, id);
                    }));
                    return;
                default:
                    throw new BinanceException(new(StatusCodes.Status400BadRequest, 2, "Invalid request: method must be SUBSCRIBE, UNSUBSCRIBE or LIST_SUBSCRIPTIONS"));
            }
            Send(Write(w =>
            {
                w.WriteNull("result");
                Result(w, id);
            }));
        }
        catch (JsonException)
        {
            Send(Error(new(StatusCodes.Status400BadRequest, 3, "Invalid JSON"), id));
        }
        catch (BinanceException ex)
        {
            Send(Error(ex.Error, id));
        }
        catch (Exception ex) when (Errors.ErrorResponses.For(ex).Status == StatusCodes.Status503ServiceUnavailable)
        {
            Send(Error(BinanceErrors.Unavailable, id));
        }
    }

    private async Task Subscribe(string stream)
    {
        if (_streams.ContainsKey(stream)) return;
        if (_streams.Count >= BinanceStreams.MaxStreams)
            throw new BinanceException(new(StatusCodes.Status400BadRequest, 2, $"at most {BinanceStreams.MaxStreams} streams per connection"));
        var parts = stream.Split('@');
        var channel = parts.Length > 1 ? parts[1] : "";
        var valid = parts.Length == 2 || (parts.Length == 3 && channel == "depth" && parts[2] is "100ms" or "250ms" or "500ms");
        if (!valid || channel is not ("depth" or "trade" or "aggTrade"))
            throw new BinanceException(new(StatusCodes.Status400BadRequest, 2, $"Invalid request: unknown stream '{Errors.ApiError.Shorten(stream)}'"));
        var spec = await BinanceSymbols.Market(markets, parts[0].ToUpperInvariant());
        var feed = await hub.Feed(spec);
        var name = BinanceSymbols.Of(spec.Symbol)!;
        if (channel == "depth")
        {
            var translator = new DepthTranslator(Send, name, clock);
            _streams[stream] = (feed, translator);
            await feed.SubscribeBook(translator);
        }
        else
        {
            var translator = new TradeTranslator(Send, name, clock, aggregate: channel == "aggTrade");
            _streams[stream] = (feed, translator);
            feed.SubscribeTrades(translator);
        }
    }

    private static void Result(Utf8JsonWriter w, JsonElement id)
    {
        if (id.ValueKind == JsonValueKind.Undefined) w.WriteNull("id");
        else
        {
            w.WritePropertyName("id");
            id.WriteTo(w);
        }
    }

    private static byte[] Error(BinanceError error, JsonElement id) => Write(w =>
    {
        w.WriteStartObject("error");
        w.WriteNumber("code", error.Code);
        w.WriteString("msg", error.Msg);
        w.WriteEndObject();
        Result(w, id);
    });

    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The native book channel of one market as Binance depth updates. It keeps its own copy of the book, so that when the
/// feed resynchronises (a fresh snapshot after a lost update) it can send the difference as one more update and the
/// U/u/pu chain never breaks. Called by the feed under its lock, one message at a time.
/// </summary>
internal sealed class DepthTranslator(Func<byte[], bool> send, string symbol, TimeProvider clock) : IFeedSubscriber
{
    private readonly Dictionary<string, string> _bids = new(StringComparer.Ordinal), _asks = new(StringComparer.Ordinal);
    private long _sequence = -1;

    public bool TrySend(byte[] message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "snapshot":
                var sequence = root.GetProperty("sequence").GetInt64();
                var bids = Levels(root.GetProperty("bids"));
                var asks = Levels(root.GetProperty("asks"));
                if (_sequence < 0 || sequence <= _sequence)
                {
                    // The first snapshot: Binance clients take theirs from GET /fapi/v1/depth.
                    Load(bids, asks, sequence);
                    return true;
                }
                var bidChanges = Difference(_bids, bids);
                var askChanges = Difference(_asks, asks);
                var previous = _sequence;
                Load(bids, asks, sequence);
                return send(Update(previous, sequence, bidChanges, askChanges));
            case "delta":
                var from = root.GetProperty("prevSequence").GetInt64();
                var to = root.GetProperty("sequence").GetInt64();
                var bidDelta = Levels(root.GetProperty("bids"));
                var askDelta = Levels(root.GetProperty("asks"));
                Apply(_bids, bidDelta);
                Apply(_asks, askDelta);
                _sequence = to;
                return send(Update(from, to, bidDelta, askDelta));
            default:
                return true;
        }
    }

    private byte[] Update(long previous, long last, List<(string Price, string Size)> bids, List<(string Price, string Size)> asks) =>
        BinanceStreamSession.Write(w =>
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            w.WriteString("e", "depthUpdate");
            w.WriteNumber("E", now);
            w.WriteNumber("T", now);
            w.WriteString("s", symbol);
            w.WriteNumber("U", previous + 1);
            w.WriteNumber("u", last);
            w.WriteNumber("pu", previous);
            Side(w, "b", bids);
            Side(w, "a", asks);
        });

    private static void Side(Utf8JsonWriter w, string name, List<(string Price, string Size)> levels)
    {
        w.WriteStartArray(name);
        foreach (var (price, size) in levels)
        {
            w.WriteStartArray();
            w.WriteStringValue(price);
            w.WriteStringValue(size);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static List<(string Price, string Size)> Levels(JsonElement side) =>
        [.. side.EnumerateArray().Select(l => (l[0].GetString()!, l[1].GetString()!))];

    private void Load(List<(string Price, string Size)> bids, List<(string Price, string Size)> asks, long sequence)
    {
        _bids.Clear();
        _asks.Clear();
        Apply(_bids, bids);
        Apply(_asks, asks);
        _sequence = sequence;
    }

    private static void Apply(Dictionary<string, string> side, List<(string Price, string Size)> changes)
    {
        foreach (var (price, size) in changes)
            if (size == "0") side.Remove(price);
            else side[price] = size;
    }

    private static List<(string Price, string Size)> Difference(Dictionary<string, string> held, List<(string Price, string Size)> now)
    {
        var fresh = now.ToDictionary(l => l.Price, l => l.Size, StringComparer.Ordinal);
        var changes = held.Keys.Where(p => !fresh.ContainsKey(p)).Select(p => (p, "0")).ToList();
        changes.AddRange(now.Where(l => !held.TryGetValue(l.Price, out var size) || size != l.Size));
        return changes;
    }
}

/// <summary>The native trades channel of one market as Binance trade or aggTrade events (each trade its own aggregate).</summary>
internal sealed class TradeTranslator(Func<byte[], bool> send, string symbol, TimeProvider clock, bool aggregate) : IFeedSubscriber
{
    public bool TrySend(byte[] message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        if (root.GetProperty("type").GetString() != "trade") return true;
        var id = root.GetProperty("tradeId").GetInt64();
        var time = root.GetProperty("time").GetInt64();
        var buyerIsMaker = root.GetProperty("side").GetString() == "sell";
        return send(BinanceStreamSession.Write(w =>
        {
            w.WriteString("e", aggregate ? "aggTrade" : "trade");
            w.WriteNumber("E", clock.GetUtcNow().ToUnixTimeMilliseconds());
            w.WriteNumber("T", time);
            w.WriteString("s", symbol);
            if (aggregate)
            {
                w.WriteNumber("a", id);
                w.WriteNumber("f", id);
                w.WriteNumber("l", id);
            }
            else
            {
                w.WriteNumber("t", id);
                w.WriteString("X", "MARKET");
            }
            w.WriteString("p", root.GetProperty("price").GetString());
            w.WriteString("q", root.GetProperty("size").GetString());
            w.WriteBoolean("m", buyerIsMaker);
        }));
    }
}
