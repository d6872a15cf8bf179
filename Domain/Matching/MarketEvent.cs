namespace Exchange.Matching;

/// <summary>
/// One thing that happened in a market. A flat value type rather than a record per kind, so that matching a
/// message allocates nothing; the static constructors below name what each kind carries.
/// <para>
/// Every event that changes state takes the next market <see cref="Sequence"/> (gap-free). A rejection changes
/// nothing and carries the sequence the command was judged against.
/// </para>
/// Fields by kind:
/// <list type="bullet">
/// <item>OrderAccepted: OrderId, AccountId, Side, OrderType, Price (for a market order: its protection limit),
///   Size, TimeInForce, Flags, SelfTradePrevention, ClientOrderId.</item>
/// <item>OrderRejected: AccountId, Reject, ClientOrderId, OrderId (the original order for a duplicate client
///   order id, the target of a cancel or amend, else 0).</item>
/// <item>TradeExecuted: OrderId and AccountId of the taker, MakerOrderId, MakerAccountId, Side (the taker's),
///   Price, Size, Remaining (taker's, after), MakerRemaining (after).</item>
/// <item>OrderCancelled: OrderId, AccountId, Side, Price, Size (the quantity removed), CancelReason.</item>
/// <item>OrderAmended: OrderId, AccountId, Side, Price and Size (new price, new remaining),
///   PreviousPrice, PreviousSize.</item>
/// <item>ModeChanged: Mode (new), PreviousMode, Actor, Reason.</item>
/// <item>AuctionUncrossed: Price (the uncrossing price, 0 if nothing crossed), Size (volume executed).</item>
/// <item>MarkPriceSet: Price (the new mark, 0: none), PreviousPrice.</item>
/// <item>RiskChanged: Risk (the new fees and margin tiers).</item>
/// <item>IndexPriceSet: Price (the index in ticks, 0: none known), PreviousPrice, IndexStatus.</item>
/// <item>BreakerRulesChanged: Price (band bps), Size (velocity bps), PreviousPrice (velocity window ms), read together as
/// <see cref="Breaker"/> (the new rules; <see cref="BreakerRules.Off"/> when switched off). Kept in the numeric fields, not
/// a reference of its own: every event of every kind carries every field, so a field more costs all of matching.</item>
/// <item>ConditionalAccepted: OrderId (the conditional order's id, numbered apart from orders), AccountId, Side, OrderType,
///   Price (its limit price, 0 for market), Size, TimeInForce, Flags, SelfTradePrevention, ClientOrderId, and the trigger:
///   PreviousPrice (trigger price), PreviousSize (callback bps), Remaining (the <see cref="TriggerKind"/>), MakerRemaining
///   (the <see cref="TriggerSource"/>), read together as <see cref="Conditional"/>.</item>
/// <item>ConditionalCancelled: OrderId (conditional id), AccountId, Side, Size, ClientOrderId, CancelReason.</item>
/// <item>ConditionalTriggered: OrderId (conditional id), and the order its account is to place: AccountId, Side, OrderType,
///   Price (limit price, 0 for market), Size, TimeInForce, Flags, SelfTradePrevention, ClientOrderId (read together as
///   <see cref="TriggeredOrder"/>); PreviousPrice (the price that fired it), PreviousSize (the trigger level it reached).</item>
/// <item>LiquidationRulesChanged: MakerAccountId (the fund's account), Price (fee bps), Size (slice lots), PreviousPrice
/// (cooldown ms), PreviousSize (fund loss cap bps), read together as <see cref="Liquidation"/>.</item>
/// <item>PositionTakenOver, PositionDeleveraged: AccountId (the liquidated account), MakerAccountId (the fund, or the
/// deleveraged trader), Side (the liquidated account's: Sell closes its long), Price (its bankruptcy price), Size.</item>
/// <item>LiquidationFeeCharged: AccountId (the liquidated account), MakerAccountId (the fund), Size (the fee in minor units).</item>
/// <item>FundingApplied: Price (the mark it settled at), Size (the rate in ppm, positive: longs pay), PreviousPrice (the end of
/// the interval it settles, ms since the epoch), PreviousSize (the interval's length in ms).</item>
/// <item>OpenInterestLimitsChanged: Price (the market's cap in lots, 0: none), Size (one account's cap in lots, 0: none), read
/// together as <see cref="OpenInterest"/>.</item>
/// </list>
/// Serializer ids follow declaration order: append new fields, never reorder.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketEvent")]
public readonly record struct MarketEvent
{
    [Id(0)] public EventKind Kind { get; init; }
    [Id(1)] public long Sequence { get; init; }
    [Id(2)] public long Timestamp { get; init; }
    [Id(3)] public long OrderId { get; init; }
    [Id(4)] public long AccountId { get; init; }
    [Id(5)] public Side Side { get; init; }
    [Id(6)] public OrderType OrderType { get; init; }
    [Id(7)] public TimeInForce TimeInForce { get; init; }
    [Id(8)] public OrderFlags Flags { get; init; }
    [Id(9)] public SelfTradePrevention SelfTradePrevention { get; init; }
    [Id(10)] public RejectReason Reject { get; init; }
    [Id(11)] public CancelReason CancelReason { get; init; }
    [Id(12)] public MarketMode Mode { get; init; }
    [Id(13)] public MarketMode PreviousMode { get; init; }
    [Id(14)] public long Price { get; init; }
    [Id(15)] public long Size { get; init; }
    [Id(16)] public long MakerOrderId { get; init; }
    [Id(17)] public long MakerAccountId { get; init; }
    [Id(18)] public long Remaining { get; init; }
    [Id(19)] public long MakerRemaining { get; init; }
    [Id(20)] public long PreviousPrice { get; init; }
    [Id(21)] public long PreviousSize { get; init; }
    [Id(22)] public string? ClientOrderId { get; init; }
    [Id(23)] public MarketRisk? Risk { get; init; }
    [Id(24)] public ModeActor Actor { get; init; }
    [Id(25)] public string? Reason { get; init; }
    [Id(26)] public Pricing.IndexStatus IndexStatus { get; init; }
    /// <summary>The rules of a BreakerRulesChanged event (null for any other kind).</summary>
    public BreakerRules? Breaker => Kind == EventKind.BreakerRulesChanged ? new BreakerRules((int)Price, (int)Size, PreviousPrice) : null;

    /// <summary>The rules of a LiquidationRulesChanged event (null for any other kind).</summary>
    public Risk.LiquidationRules? Liquidation => Kind == EventKind.LiquidationRulesChanged
        ? new Risk.LiquidationRules(MakerAccountId, (int)Price, Size, PreviousPrice, (int)PreviousSize) : null;

    /// <summary>The limits of an OpenInterestLimitsChanged event (null for any other kind).</summary>
    public Risk.OpenInterestLimits? OpenInterest => Kind == EventKind.OpenInterestLimitsChanged
        ? new Risk.OpenInterestLimits(Price, Size) : null;

    public static MarketEvent OpenInterestSet(long sequence, long timestamp, Risk.OpenInterestLimits limits) => new()
    {
        Kind = EventKind.OpenInterestLimitsChanged, Sequence = sequence, Timestamp = timestamp, Price = limits.MarketLots,
        Size = limits.AccountLots,
    };

    public static MarketEvent LiquidationSet(long sequence, long timestamp, Risk.LiquidationRules rules) => new()
    {
        Kind = EventKind.LiquidationRulesChanged, Sequence = sequence, Timestamp = timestamp, MakerAccountId = rules.FundAccountId,
        Price = rules.FeeBps, Size = rules.SliceLots, PreviousPrice = rules.CooldownMs, PreviousSize = rules.FundLossCapBps,
    };

    /// <summary>A position moved outside the book (<paramref name="kind"/>: PositionTakenOver or PositionDeleveraged).</summary>
    public static MarketEvent Transferred(EventKind kind, long sequence, long timestamp, long accountId, long counterpartyId, Side side,
        long price, long size) => new()
    {
        Kind = kind, Sequence = sequence, Timestamp = timestamp, AccountId = accountId, MakerAccountId = counterpartyId,
        Side = side, Price = price, Size = size,
    };

    public static MarketEvent Funded(long sequence, long timestamp, long mark, long ratePpm, long periodEnd, long intervalMs) => new()
    {
        Kind = EventKind.FundingApplied, Sequence = sequence, Timestamp = timestamp, Price = mark, Size = ratePpm,
        PreviousPrice = periodEnd, PreviousSize = intervalMs,
    };

    public static MarketEvent FeeCharged(long sequence, long timestamp, long accountId, long fundAccountId, long amount) => new()
    {
        Kind = EventKind.LiquidationFeeCharged, Sequence = sequence, Timestamp = timestamp, AccountId = accountId,
        MakerAccountId = fundAccountId, Size = amount,
    };

    public static MarketEvent Accepted(long sequence, long timestamp, long orderId, in PlaceOrder order, long price) => new()
    {
        Kind = EventKind.OrderAccepted, Sequence = sequence, Timestamp = timestamp, OrderId = orderId,
        AccountId = order.AccountId, Side = order.Side, OrderType = order.Type, Price = price, Size = order.Size,
        TimeInForce = order.TimeInForce, Flags = order.Flags, SelfTradePrevention = order.SelfTradePrevention,
        ClientOrderId = order.ClientOrderId,
    };

    public static MarketEvent Rejected(long sequence, long timestamp, long accountId, RejectReason reason,
        string? clientOrderId = null, long orderId = 0) => new()
    {
        Kind = EventKind.OrderRejected, Sequence = sequence, Timestamp = timestamp, AccountId = accountId,
        Reject = reason, ClientOrderId = clientOrderId, OrderId = orderId,
    };

    public static MarketEvent Trade(long sequence, long timestamp, long takerOrderId, long takerAccountId, Side takerSide,
        long makerOrderId, long makerAccountId, long price, long size, long takerRemaining, long makerRemaining) => new()
    {
        Kind = EventKind.TradeExecuted, Sequence = sequence, Timestamp = timestamp, OrderId = takerOrderId,
        AccountId = takerAccountId, Side = takerSide, MakerOrderId = makerOrderId, MakerAccountId = makerAccountId,
        Price = price, Size = size, Remaining = takerRemaining, MakerRemaining = makerRemaining,
    };

    public static MarketEvent Cancelled(long sequence, long timestamp, long orderId, long accountId, Side side,
        long price, long size, CancelReason reason) => new()
    {
        Kind = EventKind.OrderCancelled, Sequence = sequence, Timestamp = timestamp, OrderId = orderId,
        AccountId = accountId, Side = side, Price = price, Size = size, CancelReason = reason,
    };

    public static MarketEvent Amended(long sequence, long timestamp, long orderId, long accountId, Side side,
        long price, long size, long previousPrice, long previousSize) => new()
    {
        Kind = EventKind.OrderAmended, Sequence = sequence, Timestamp = timestamp, OrderId = orderId,
        AccountId = accountId, Side = side, Price = price, Size = size, PreviousPrice = previousPrice,
        PreviousSize = previousSize,
    };

    public static MarketEvent ModeSwitched(long sequence, long timestamp, MarketMode mode, MarketMode previous,
        ModeCause cause = default) => new()
    {
        Kind = EventKind.ModeChanged, Sequence = sequence, Timestamp = timestamp, Mode = mode, PreviousMode = previous,
        Actor = cause.Actor, Reason = cause.Reason,
    };

    public static MarketEvent MarkSet(long sequence, long timestamp, long price, long previous) => new()
    {
        Kind = EventKind.MarkPriceSet, Sequence = sequence, Timestamp = timestamp, Price = price, PreviousPrice = previous,
    };

    public static MarketEvent RiskSet(long sequence, long timestamp, MarketRisk risk) => new()
    {
        Kind = EventKind.RiskChanged, Sequence = sequence, Timestamp = timestamp, Risk = risk,
    };

    public static MarketEvent IndexSet(long sequence, long timestamp, long price, long previous, Pricing.IndexStatus status) => new()
    {
        Kind = EventKind.IndexPriceSet, Sequence = sequence, Timestamp = timestamp, Price = price, PreviousPrice = previous,
        IndexStatus = status,
    };

    public static MarketEvent BreakerSet(long sequence, long timestamp, BreakerRules rules) => new()
    {
        Kind = EventKind.BreakerRulesChanged, Sequence = sequence, Timestamp = timestamp,
        Price = rules.BandBps, Size = rules.VelocityBps, PreviousPrice = rules.VelocityWindowMs,
    };

    public static MarketEvent ConditionalPlaced(long sequence, long timestamp, in ConditionalOrder conditional)
    {
        var o = conditional.Terms.Order;
        return new()
        {
            Kind = EventKind.ConditionalAccepted, Sequence = sequence, Timestamp = timestamp, OrderId = conditional.Id,
            AccountId = o.AccountId, Side = o.Side, OrderType = o.Type, Price = o.Price, Size = o.Size, TimeInForce = o.TimeInForce,
            Flags = o.Flags, SelfTradePrevention = o.SelfTradePrevention, ClientOrderId = o.ClientOrderId,
            PreviousPrice = conditional.Terms.TriggerPrice, PreviousSize = conditional.Terms.CallbackBps,
            Remaining = (long)conditional.Terms.Kind, MakerRemaining = (long)conditional.Terms.Source,
        };
    }

    public static MarketEvent ConditionalRemoved(long sequence, long timestamp, in ConditionalOrder conditional, CancelReason reason) => new()
    {
        Kind = EventKind.ConditionalCancelled, Sequence = sequence, Timestamp = timestamp, OrderId = conditional.Id,
        AccountId = conditional.AccountId, Side = conditional.Side, Size = conditional.Terms.Order.Size,
        ClientOrderId = conditional.Terms.Order.ClientOrderId, CancelReason = reason,
    };

    public static MarketEvent ConditionalFired(long sequence, long timestamp, long conditionalId, in PlaceOrder order, long price, long level) => new()
    {
        Kind = EventKind.ConditionalTriggered, Sequence = sequence, Timestamp = timestamp, OrderId = conditionalId,
        AccountId = order.AccountId, Side = order.Side, OrderType = order.Type, Price = order.Price, Size = order.Size,
        TimeInForce = order.TimeInForce, Flags = order.Flags, SelfTradePrevention = order.SelfTradePrevention,
        ClientOrderId = order.ClientOrderId, PreviousPrice = price, PreviousSize = level,
    };

    /// <summary>The order a ConditionalTriggered event tells its account to place (default for any other kind).</summary>
    public PlaceOrder TriggeredOrder => Kind != EventKind.ConditionalTriggered ? default
        : new PlaceOrder(AccountId, Side, OrderType, Price, Size, TimeInForce, Flags, SelfTradePrevention, ClientOrderId);

    /// <summary>The terms of a ConditionalAccepted event (default for any other kind).</summary>
    public ConditionalTerms Conditional => Kind != EventKind.ConditionalAccepted ? default
        : new((TriggerKind)Remaining, (TriggerSource)MakerRemaining, PreviousPrice, (int)PreviousSize,
            new PlaceOrder(AccountId, Side, OrderType, Price, Size, TimeInForce, Flags, SelfTradePrevention, ClientOrderId));

    /// <summary>The cause of a ModeChanged event.</summary>
    public ModeCause Cause => new(Actor, Reason);

    public static MarketEvent Uncrossed(long sequence, long timestamp, long price, long volume) => new()
    {
        Kind = EventKind.AuctionUncrossed, Sequence = sequence, Timestamp = timestamp, Price = price, Size = volume,
    };
}
