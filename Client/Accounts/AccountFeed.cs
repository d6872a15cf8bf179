using System.Threading.Channels;
using Exchange.Accounts;
using Exchange.Client.MarketData;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Accounts;

/// <summary>
/// One account's private updates for every socket of this gateway that subscribed to them: one grain subscription,
/// the account's orders folded from its events (so that each update can carry the whole order, as REST shows it),
/// and the fan-out. Updates are handled one at a time in arrival order. When an update does not follow on from the
/// last one (a send was lost, or the feed is new to a market the account already traded in), the orders of that
/// market are first rebuilt from the market's record of the account's events.
/// </summary>
public sealed partial class AccountFeed : IAccountObserver
{
    public const string Orders = "orders", Fills = "fills";

    /// <summary>
    /// Updates waiting to be handled. Bounded so that a flood the feed cannot keep up with holds no more memory than this;
    /// an update dropped for it leaves a gap that the next update detects (its cursor does not follow on), and the
    /// market's orders are rebuilt from the market's record then.
    /// </summary>
    public const int MaxPendingUpdates = 10_000;

    private readonly Channel<AccountUpdate> _updates = Channel.CreateBounded<AccountUpdate>(
        new BoundedChannelOptions(MaxPendingUpdates) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _lock = new();
    private readonly HashSet<IFeedSubscriber> _orders = [];
    private readonly HashSet<IFeedSubscriber> _fills = [];
    private readonly Dictionary<string, MarketOrders> _markets = new(StringComparer.Ordinal);
    private readonly MarketDirectory _directory;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Task _processing;

    public AccountFeed(long accountId, MarketDirectory directory, TimeProvider clock, ILogger logger)
    {
        AccountId = accountId;
        _directory = directory;
        _clock = clock;
        _logger = logger;
        _processing = Process();
    }

    public long AccountId { get; }

    /// <summary>Set by the hub once the grain holds a reference to this object (kept here so it is not collected).</summary>
    public IAccountObserver? Reference { get; set; }

    public Task OnAccountEvents(AccountUpdate update)
    {
        _updates.Writer.TryWrite(update);
        return Task.CompletedTask;
    }

    public void Subscribe(IFeedSubscriber subscriber, string channel)
    {
        lock (_lock) (channel == Orders ? _orders : _fills).Add(subscriber);
    }

    public void Unsubscribe(IFeedSubscriber subscriber, string channel)
    {
        lock (_lock) (channel == Orders ? _orders : _fills).Remove(subscriber);
    }

    /// <summary>Takes a subscriber off both channels (its socket closed).</summary>
    public void Remove(IFeedSubscriber subscriber)
    {
        lock (_lock)
        {
            _orders.Remove(subscriber);
            _fills.Remove(subscriber);
        }
    }

    /// <summary>Stops handling updates; the hub calls it once no socket uses the feed.</summary>
    public Task Stop()
    {
        _updates.Writer.TryComplete();
        return _processing;
    }

    private async Task Process()
    {
        await foreach (var update in _updates.Reader.ReadAllAsync())
        {
            try
            {
                await Handle(update);
            }
            catch (Exception ex)
            {
                // The market's state is unknown now: rebuild it from the market's record on the next update.
                _markets.Remove(update.Symbol);
                LogUpdateFailed(ex, AccountId, update.Symbol);
            }
        }
    }

    private async Task Handle(AccountUpdate update)
    {
        var spec = await _directory.Get(update.Symbol);
        if (!_markets.TryGetValue(update.Symbol, out var market) || update.Previous > market.Cursor)
            _markets[update.Symbol] = market = await Rebuild(spec, update.Previous);

        foreach (var rejected in update.Rejected)
            Broadcast(_orders, PrivateMessages.Rejected(spec, rejected, _clock.GetUtcNow().ToUnixTimeMilliseconds()));

        foreach (var e in update.Events)
        {
            // Events the rebuild already folded in are still announced, with the order as it now stands.
            if (e.Sequence > market.Cursor)
            {
                market.History.Apply(e);
                market.Cursor = e.Sequence;
            }
            foreach (var (orderId, maker) in Touched(e))
            {
                if (market.History.Orders.GetValueOrDefault(orderId) is not { } order) continue;
                if (e.Kind == EventKind.TradeExecuted && order.Fills.FirstOrDefault(f => f.Sequence == e.Sequence && f.Maker == maker) is { Size: > 0 } fill)
                    Broadcast(_fills, PrivateMessages.Fill(spec, order, fill));
                Broadcast(_orders, PrivateMessages.Order(spec, order));
            }
        }
        // A closed order never changes again; forgetting it keeps the feed's memory to the open orders.
        foreach (var closed in market.History.Orders.Values.Where(o => !o.IsOpen).Select(o => o.OrderId).ToArray())
            market.History.Forget(closed);
    }

    /// <summary>
    /// The account's orders in a market, from its recent events there (what the market keeps in memory), plus any open
    /// order older than those, as the book shows it; none to fetch if the account had no event before this update.
    /// </summary>
    private async Task<MarketOrders> Rebuild(MarketSpec spec, long previous)
    {
        if (previous <= 0) return new MarketOrders(new OrderHistory(spec.Symbol, AccountId), 0);
        var market = _directory.Market(spec);
        var events = await market.GetAccountHistory(AccountId);
        var history = OrderHistory.Of(spec.Symbol, AccountId, events.Events);
        foreach (var open in await market.GetOpenOrders(AccountId))
            if (!history.Orders.ContainsKey(open.OrderId)) history.Add(OrderRecord.Resting(spec.Symbol, open));
        return new MarketOrders(history, Math.Max(previous, events.Events.Length > 0 ? events.Events[^1].Sequence : 0));
    }

    private IEnumerable<(long OrderId, bool Maker)> Touched(MarketEvent e)
    {
        if (e.Kind == EventKind.TradeExecuted)
        {
            if (e.AccountId == AccountId) yield return (e.OrderId, false);
            if (e.MakerAccountId == AccountId) yield return (e.MakerOrderId, true);
        }
        else if (e.Kind is EventKind.OrderAccepted or EventKind.OrderCancelled or EventKind.OrderAmended && e.AccountId == AccountId)
        {
            yield return (e.OrderId, false);
        }
    }

    private void Broadcast(HashSet<IFeedSubscriber> subscribers, byte[] message)
    {
        lock (_lock)
            foreach (var subscriber in subscribers) subscriber.TrySend(message);
    }

    private sealed class MarketOrders(OrderHistory history, long cursor)
    {
        public OrderHistory History { get; } = history;
        public long Cursor { get; set; } = cursor;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId}: an update from {Symbol} could not be handled")]
    private partial void LogUpdateFailed(Exception ex, long accountId, string symbol);
}
