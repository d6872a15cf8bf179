using System.Net.WebSockets;
using System.Threading.Channels;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;

namespace Exchange.Client.MarketData;

/// <summary>
/// One WebSocket client: reads its requests (subscribe, unsubscribe, ping), and writes what its feeds send through a
/// bounded queue. A client that falls a whole queue behind is closed rather than allowed to hold memory; it reconnects
/// and starts again from a snapshot.
/// </summary>
public sealed class WebSocketSession(WebSocket socket, MarketDataHub hub, MarketDirectory markets, int queueLimit) : IFeedSubscriber
{
    public const int MaxMessageBytes = 4096, MaxSubscriptions = 64;

    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(queueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly HashSet<(string Channel, string Symbol)> _subscriptions = [];
    private volatile bool _overflowed;

    public bool TrySend(byte[] message)
    {
        if (_outbox.Writer.TryWrite(message)) return true;
        _overflowed = true;
        _outbox.Writer.TryComplete();
        return false;
    }

    public async Task Run(CancellationToken cancellationToken)
    {
        var writer = Write(cancellationToken);
        try
        {
            await Read(cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // the client went away
        }
        finally
        {
            hub.Remove(this);
            _outbox.Writer.TryComplete();
            await writer;
        }
    }

    private async Task Read(CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxMessageBytes];
        while (socket.State == WebSocketState.Open && !_overflowed)
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (length == buffer.Length)
                {
                    TrySend(FeedMessages.Error(ErrorCodes.PayloadTooLarge, $"a message may be at most {MaxMessageBytes} bytes"));
                    _outbox.Writer.TryComplete();
                    return;
                }
                received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += received.Count;
            }
            while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);
            if (received.MessageType == WebSocketMessageType.Close) return;
            await Handle(buffer.AsMemory(0, length));
        }
    }

    private async Task Handle(ReadOnlyMemory<byte> message)
    {
        try
        {
            var request = JsonBody.Parse(message, "op", "channel", "symbol");
            switch (request.RequiredText("op"))
            {
                case "ping":
                    TrySend(FeedMessages.Pong());
                    break;
                case "subscribe":
                    await Subscribe(request);
                    break;
                case "unsubscribe":
                    await Unsubscribe(request);
                    break;
                default:
                    TrySend(FeedMessages.Error(ErrorCodes.InvalidField, "'op' must be subscribe, unsubscribe or ping"));
                    break;
            }
        }
        catch (ApiException ex)
        {
            TrySend(FeedMessages.Error(ex.Error.Code, ex.Error.Detail));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TrySend(FeedMessages.Error(ErrorCodes.ServiceUnavailable, "the market's data cannot be reached now; subscribe again"));
        }
    }

    private async Task Subscribe(JsonBody request)
    {
        var (channel, symbol) = Target(request);
        var spec = await markets.Get(symbol);
        if (_subscriptions.Contains((channel, symbol)))
        {
            TrySend(FeedMessages.Ack("subscribed", channel, symbol));
            return;
        }
        if (_subscriptions.Count >= MaxSubscriptions)
        {
            TrySend(FeedMessages.Error(ErrorCodes.RateLimited, $"at most {MaxSubscriptions} subscriptions per connection"));
            return;
        }
        var feed = await hub.Feed(spec);
        _subscriptions.Add((channel, symbol));
        TrySend(FeedMessages.Ack("subscribed", channel, symbol));
        if (channel == "book") feed.SubscribeBook(this);
        else feed.SubscribeTrades(this);
    }

    private async Task Unsubscribe(JsonBody request)
    {
        var (channel, symbol) = Target(request);
        if (_subscriptions.Remove((channel, symbol))) (await hub.Feed(await markets.Get(symbol))).Unsubscribe(this, channel == "book");
        TrySend(FeedMessages.Ack("unsubscribed", channel, symbol));
    }

    private static (string Channel, string Symbol) Target(JsonBody request)
    {
        var channel = request.RequiredText("channel");
        if (channel is not ("book" or "trades"))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "channel", "'channel' must be book or trades"));
        return (channel, request.RequiredText("symbol"));
    }

    private async Task Write(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseAsync(_overflowed ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure,
                    _overflowed ? "too slow: reconnect and resubscribe" : "bye", cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // the client went away
        }
    }
}
