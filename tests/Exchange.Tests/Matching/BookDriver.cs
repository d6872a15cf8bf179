using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// A small test DSL around one book: each method runs one command at the next timestamp, returns the events of
/// that command, and checks the book's consistency and every <see cref="EventLedger"/> invariant afterwards.
/// </summary>
public sealed class BookDriver
{
    /// <summary>Prices 1..1000, sizes 1..1000, market orders may trade up to 5 ticks through the best opposite price.</summary>
    public static readonly MarketSpec DefaultSpec = new("TEST-PERP", TickSize: 0.5m, LotSize: 0.001m,
        MinPrice: 1, MaxPrice: 1_000, MinSize: 1, MaxSize: 1_000, MarketProtectionTicks: 5);

    private readonly EventBuffer _buffer = new();
    private readonly EventLedger _ledger;

    public BookDriver(BookFactory factory, MarketMode mode = MarketMode.Open, MarketSpec? spec = null)
    {
        Book = factory.Create(spec ?? DefaultSpec, mode);
        _ledger = new EventLedger(Book);
    }

    public IOrderBook Book { get; }

    /// <summary>The timestamp of the last command; every command advances it by 10.</summary>
    public long Now { get; private set; } = 1_000;

    /// <summary>Every event so far, in order.</summary>
    public List<MarketEvent> History { get; } = [];

    public MarketEvent[] Buy(long account, long price, long size, TimeInForce tif = TimeInForce.GoodTillCancel,
        OrderFlags flags = OrderFlags.None, SelfTradePrevention stp = SelfTradePrevention.CancelTaker, string? clientOrderId = null) =>
        Place(new PlaceOrder(account, Side.Buy, OrderType.Limit, price, size, tif, flags, stp, clientOrderId));

    public MarketEvent[] Sell(long account, long price, long size, TimeInForce tif = TimeInForce.GoodTillCancel,
        OrderFlags flags = OrderFlags.None, SelfTradePrevention stp = SelfTradePrevention.CancelTaker, string? clientOrderId = null) =>
        Place(new PlaceOrder(account, Side.Sell, OrderType.Limit, price, size, tif, flags, stp, clientOrderId));

    public MarketEvent[] MarketBuy(long account, long size, TimeInForce tif = TimeInForce.GoodTillCancel,
        SelfTradePrevention stp = SelfTradePrevention.CancelTaker, string? clientOrderId = null) =>
        Place(new PlaceOrder(account, Side.Buy, OrderType.Market, 0, size, tif, OrderFlags.None, stp, clientOrderId));

    public MarketEvent[] MarketSell(long account, long size, TimeInForce tif = TimeInForce.GoodTillCancel,
        SelfTradePrevention stp = SelfTradePrevention.CancelTaker, string? clientOrderId = null) =>
        Place(new PlaceOrder(account, Side.Sell, OrderType.Market, 0, size, tif, OrderFlags.None, stp, clientOrderId));

    public MarketEvent[] Place(PlaceOrder order) => Run((book, now, events) => book.Place(order, now, events));

    public MarketEvent[] Cancel(long account, long orderId) => Cancel(new CancelOrder(account, orderId));

    public MarketEvent[] CancelByClientId(long account, string clientOrderId) => Cancel(new CancelOrder(account, 0, clientOrderId));

    public MarketEvent[] Cancel(CancelOrder cancel) => Run((book, now, events) => book.Cancel(cancel, now, events));

    public MarketEvent[] Amend(long account, long orderId, long newPrice, long newSize) =>
        Amend(new AmendOrder(account, orderId, null, newPrice, newSize));

    public MarketEvent[] AmendByClientId(long account, string clientOrderId, long newPrice, long newSize) =>
        Amend(new AmendOrder(account, 0, clientOrderId, newPrice, newSize));

    public MarketEvent[] Amend(AmendOrder amend) => Run((book, now, events) => book.Amend(amend, now, events));

    public MarketEvent[] CancelAll(long account) => Run((book, now, events) => book.CancelAll(account, now, events));

    public MarketEvent[] SetMode(MarketMode mode) => Run((book, now, events) => book.SetMode(mode, now, events));

    public MarketEvent[] SetMode(MarketMode mode, ModeCause cause) => Run((book, now, events) => book.SetMode(mode, cause, now, events));

    public MarketEvent[] SetMark(long price) => Run((book, now, events) => book.SetMarkPrice(price, now, events));

    public MarketEvent[] SetRisk(MarketRisk risk) => Run((book, now, events) => book.SetRisk(risk, now, events));

    public MarketEvent[] SetBreaker(BreakerRules rules) => Run((book, now, events) => book.SetBreakerRules(rules, now, events));

    public MarketEvent[] SetLiquidation(Exchange.Risk.LiquidationRules rules) => Run((book, now, events) => book.SetLiquidationRules(rules, now, events));

    public MarketEvent[] SetOpenInterest(Exchange.Risk.OpenInterestLimits limits) =>
        Run((book, now, events) => book.SetOpenInterestLimits(limits, now, events));

    public MarketEvent[] Transfer(Exchange.Risk.PositionTransfer transfer) => Run((book, now, events) => book.TransferPosition(transfer, now, events));

    public MarketEvent[] Funding(long periodEnd) => Run((book, now, events) => book.ApplyFunding(periodEnd, 3_600_000, now, events));

    public MarketEvent[] Fee(long accountId, long amount) => Run((book, now, events) => book.ChargeLiquidationFee(accountId, amount, now, events));

    /// <summary>Lets <paramref name="ms"/> milliseconds pass before the next command.</summary>
    public void Wait(long ms) => Now += ms * 1_000;

    public MarketEvent[] Uncross(long referencePrice) => Run((book, now, events) => book.Uncross(referencePrice, now, events));

    /// <summary>An index tick, <paramref name="afterMs"/> milliseconds after the previous command.</summary>
    public MarketEvent[] Index(IndexTick tick, long afterMs = 0)
    {
        Now += afterMs * 1_000;
        return Run((book, now, events) => book.ApplyIndex(tick, now, events));
    }

    /// <summary>Resting order ids of one side in priority order.</summary>
    public long[] Ids(Side side) => [.. Book.RestingOrders(side).Select(o => o.OrderId)];

    public long[] BidIds => Ids(Side.Buy);

    public long[] AskIds => Ids(Side.Sell);

    /// <summary>A resting order; fails the test when it does not rest.</summary>
    public OrderView Order(long orderId)
    {
        Assert.True(Book.TryGetOrder(orderId, out var order), $"order {orderId} does not rest");
        return order;
    }

    private MarketEvent[] Run(Action<IOrderBook, long, EventBuffer> command)
    {
        Now += 10;
        var hashBefore = Book.StateHash();
        _buffer.Clear();
        command(Book, Now, _buffer);
        var events = _buffer.ToArray();
        _ledger.Observe(Book, Now, hashBefore, events);
        History.AddRange(events);
        return events;
    }
}

/// <summary>Event matchers for <c>Assert.Collection</c>: each checks the kind and the fields that matter.</summary>
public static class Expect
{
    public static Action<MarketEvent> Accepted(long orderId) =>
        e => Assert.Equal((EventKind.OrderAccepted, orderId), (e.Kind, e.OrderId));

    public static Action<MarketEvent> Trade(long taker, long maker, long price, long size) =>
        e => Assert.Equal((EventKind.TradeExecuted, taker, maker, price, size), (e.Kind, e.OrderId, e.MakerOrderId, e.Price, e.Size));

    public static Action<MarketEvent> Trade(long taker, long maker, long price, long size, long takerRemaining, long makerRemaining) =>
        e => Assert.Equal((EventKind.TradeExecuted, taker, maker, price, size, takerRemaining, makerRemaining),
            (e.Kind, e.OrderId, e.MakerOrderId, e.Price, e.Size, e.Remaining, e.MakerRemaining));

    public static Action<MarketEvent> Cancelled(long orderId, long size, CancelReason reason) =>
        e => Assert.Equal((EventKind.OrderCancelled, orderId, size, reason), (e.Kind, e.OrderId, e.Size, e.CancelReason));

    public static Action<MarketEvent> Amended(long orderId, long price, long size) =>
        e => Assert.Equal((EventKind.OrderAmended, orderId, price, size), (e.Kind, e.OrderId, e.Price, e.Size));

    public static Action<MarketEvent> ModeChanged(MarketMode mode, MarketMode previous) =>
        e => Assert.Equal((EventKind.ModeChanged, mode, previous), (e.Kind, e.Mode, e.PreviousMode));

    public static Action<MarketEvent> Uncrossed(long price, long volume) =>
        e => Assert.Equal((EventKind.AuctionUncrossed, price, volume), (e.Kind, e.Price, e.Size));

    /// <summary>The breaker tripped the market into an auction, for the reason given (its start: "band: ..." or "velocity: ...").</summary>
    public static Action<MarketEvent> Tripped(string reason) =>
        e => Assert.Equal((EventKind.ModeChanged, MarketMode.Auction, MarketMode.Open, ModeActor.Breaker, reason),
            (e.Kind, e.Mode, e.PreviousMode, e.Actor, e.Reason));

    public static Action<MarketEvent> Rejected(RejectReason reason) =>
        e => Assert.Equal((EventKind.OrderRejected, reason), (e.Kind, e.Reject));

    /// <summary>The command was rejected for <paramref name="reason"/> (the driver already checked nothing changed).</summary>
    public static MarketEvent Rejection(MarketEvent[] events, RejectReason reason)
    {
        var e = Assert.Single(events);
        Rejected(reason)(e);
        return e;
    }
}
