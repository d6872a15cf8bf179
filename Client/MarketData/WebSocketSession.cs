using System.Net.WebSockets;
using Exchange.Client.Accounts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;

namespace Exchange.Client.MarketData;

/// <summary>
/// One WebSocket client: reads its requests (auth, subscribe, unsubscribe, ping), and writes what its feeds (markets,
/// indices, its account) send through an outbox bounded in bytes. A client that falls that far behind is dropped rather
/// than allowed to hold memory; it reconnects and starts again from a snapshot. A client that sends more messages than
/// its budget is closed (1008). The private channels (orders, fills) need the socket authenticated first, with
/// an API key's signature over timestamp + "GET" + "/ws", checked exactly like a signed request; so does order entry
/// (<see cref="WebSocketOrderEntry"/>), whose requests are charged to the key's order buckets, not the message budget.
/// </summary>
public sealed class WebSocketSession(WebSocket socket, SocketOutbox outbox, MessageBudget budget, MarketDataHub hub,
    MarketDirectory markets, SignedRequestVerifier verifier, AccountFeedHub accounts, Indices.IndexHub indices,
    Func<ApiCaller, WebSocketOrderEntry> orderEntry) : IFeedSubscriber
{
    /// <summary>What an auth message signs after its timestamp: the method and path of the WebSocket request.</summary>
    public const string SignedMethod = "GET", SignedPath = "/ws";

    private ApiCaller? _caller;
    private AccountFeed? _accountFeed;
    private WebSocketOrderEntry? _orders;

    public const int MaxMessageBytes = 4096, MaxSubscriptions = 64;

    public const string IndexChannel = "index";

    public const string TooManyMessages = "too many messages: slow down";

    private readonly HashSet<(string Channel, string Symbol)> _subscriptions = [];

    public bool TrySend(byte[] message) => outbox.TrySend(message);

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
            if (_orders is not null)
            {
                await _orders.Drain();
                _orders.Dispose();
            }
            hub.Remove(this);
            indices.Remove(this);
            if (_accountFeed is not null)
            {
                _accountFeed.Remove(this);
                await accounts.Leave(_accountFeed.AccountId);
            }
            outbox.Complete();
            await writer;
        }
    }

    private async Task Read(CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxMessageBytes];
        while (socket.State == WebSocketState.Open && !outbox.Dropped)
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (length == buffer.Length)
                {
                    TrySend(FeedMessages.Error(ErrorCodes.PayloadTooLarge, $"a message may be at most {MaxMessageBytes} bytes"));
                    outbox.Complete();
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

    /// <summary>Takes a message's token; when there is none, says so and closes (the read loop ends on the drop).</summary>
    private bool WithinBudget()
    {
        if (budget.TryTake()) return true;
        TrySend(FeedMessages.Error(ErrorCodes.RateLimited, "too many messages on this connection; it is closed"));
        outbox.Drop(WebSocketCloseStatus.PolicyViolation, TooManyMessages, "flood");
        return false;
    }

    private async Task Handle(ReadOnlyMemory<byte> message)
    {
        try
        {
            JsonBody request;
            try
            {
                request = JsonBody.Parse(message, "op", "channel", "symbol", "index", "apiKey", "timestamp", "signature", "id", "args");
            }
            catch (ApiException) when (!WithinBudget())
            {
                return;
            }
            var op = request.RequiredText("op");
            if (WebSocketOrderEntry.IsOrderOp(op) && _caller is not null)
            {
                await (_orders ??= orderEntry(_caller)).Start(op, request);
                return;
            }
            if (!WithinBudget()) return;
            if (WebSocketOrderEntry.IsOrderOp(op))
            {
                TrySend(WebSocketOrderEntry.Answer(op, request.Element("id"), Contracts.BatchItemResponse.Failed(
                    ApiError.Unauthorized(ErrorCodes.Unauthorized, "order entry needs an authenticated connection: send auth first"))));
                return;
            }
            switch (op)
            {
                case "auth":
                    await Authenticate(request);
                    break;
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
                    TrySend(FeedMessages.Error(ErrorCodes.InvalidField, "'op' must be auth, subscribe, unsubscribe, ping, order.place, order.cancel or order.amend"));
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

    private async Task Authenticate(JsonBody request)
    {
        var (caller, error) = await verifier.Verify(request.RequiredText("apiKey"), request.TextOrDigits("timestamp") ?? "",
            request.RequiredText("signature"), SignedMethod, SignedPath, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        if (error is not null)
        {
            TrySend(FeedMessages.Error(error.Code, error.Detail));
            return;
        }
        if (_caller is not null && _caller.AccountId != caller!.AccountId)
        {
            TrySend(FeedMessages.Error(ErrorCodes.BadRequest, "this connection is already authenticated for another account"));
            return;
        }
        _caller = caller;
        TrySend(PrivateMessages.Authenticated(caller!.AccountId));
    }

    private async Task Subscribe(JsonBody request)
    {
        var (channel, symbol) = Target(request);
        if (channel is AccountFeed.Orders or AccountFeed.Fills)
        {
            await SubscribePrivate(channel);
            return;
        }
        if (channel == IndexChannel)
        {
            await SubscribeIndex(symbol);
            return;
        }
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
        if (channel == "book") await feed.SubscribeBook(this);
        else feed.SubscribeTrades(this);
    }

    /// <summary>The index's view now, then again whenever it changes (the hub reads each index once a poll interval).</summary>
    private async Task SubscribeIndex(string index)
    {
        if (_subscriptions.Contains((IndexChannel, index)))
        {
            TrySend(IndexAck("subscribed", index));
            return;
        }
        if (_subscriptions.Count >= MaxSubscriptions)
        {
            TrySend(FeedMessages.Error(ErrorCodes.RateLimited, $"at most {MaxSubscriptions} subscriptions per connection"));
            return;
        }
        _subscriptions.Add((IndexChannel, index));
        TrySend(IndexAck("subscribed", index)); // before the hub sends the view, so the acknowledgement comes first
        if (!await indices.Subscribe(index, this))
        {
            _subscriptions.Remove((IndexChannel, index));
            TrySend(FeedMessages.Error(ErrorCodes.UnknownIndex, $"no index {ApiError.Shorten(index)}"));
        }
    }

    private static byte[] IndexAck(string type, string index) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { type, channel = IndexChannel, index }, System.Text.Json.JsonSerializerOptions.Web);

    private async Task SubscribePrivate(string channel)
    {
        if (_caller is null)
        {
            TrySend(FeedMessages.Error(ErrorCodes.Unauthorized, $"channel {channel} is private: send auth first"));
            return;
        }
        _accountFeed ??= await accounts.Join(_caller.AccountId);
        _subscriptions.Add((channel, ""));
        TrySend(FeedMessages.Ack("subscribed", channel, null));
        _accountFeed.Subscribe(this, channel);
    }

    private async Task Unsubscribe(JsonBody request)
    {
        var (channel, symbol) = Target(request);
        if (channel is AccountFeed.Orders or AccountFeed.Fills)
        {
            if (_subscriptions.Remove((channel, ""))) _accountFeed?.Unsubscribe(this, channel);
            TrySend(FeedMessages.Ack("unsubscribed", channel, null));
            return;
        }
        if (channel == IndexChannel)
        {
            if (_subscriptions.Remove((channel, symbol))) indices.Unsubscribe(symbol, this);
            TrySend(IndexAck("unsubscribed", symbol));
            return;
        }
        if (_subscriptions.Remove((channel, symbol))) (await hub.Feed(await markets.Get(symbol))).Unsubscribe(this, channel == "book");
        TrySend(FeedMessages.Ack("unsubscribed", channel, symbol));
    }

    private static (string Channel, string Symbol) Target(JsonBody request)
    {
        var channel = request.RequiredText("channel");
        if (channel is AccountFeed.Orders or AccountFeed.Fills)
        {
            // A private channel covers all the account's markets.
            if (request.Has("symbol"))
                throw new ApiException(ApiError.Field(ErrorCodes.UnknownField, "symbol", $"channel {channel} takes no symbol: it covers every market"));
            return (channel, "");
        }
        if (channel == IndexChannel)
        {
            // The index channel names an index ("index"; "symbol" is accepted for it too).
            if (request.Has("index") && request.Has("symbol"))
                throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "index", "name the index once, in 'index'"));
            return (channel, request.Text("index") ?? request.Text("symbol")
                ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "index", "'index' is required")));
        }
        if (request.Has("index"))
            throw new ApiException(ApiError.Field(ErrorCodes.UnknownField, "index", $"channel {channel} takes a symbol, not an index"));
        if (channel is not ("book" or "trades"))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "channel", "'channel' must be book, trades, index, orders or fills"));
        return (channel, request.RequiredText("symbol"));
    }
}
