using System.Globalization;
using System.Text;
using CsCheck;
using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>One command of a random stream. Commands that target "a resting order" pick it when they run, from
/// the book they run against, so that cancels and amends usually hit something; the choice is deterministic.</summary>
public abstract record BookCommand
{
    public abstract void ApplyTo(IOrderBook book, long timestamp, EventBuffer events);

    /// <summary>The <paramref name="pick"/>-th resting order (both sides, ascending id), if any rests.</summary>
    protected static OrderView? PickResting(IOrderBook book, int pick)
    {
        var resting = book.RestingOrders(Side.Buy).Concat(book.RestingOrders(Side.Sell)).OrderBy(o => o.OrderId).ToList();
        return resting.Count == 0 ? null : resting[pick % resting.Count];
    }
}

public sealed record PlaceCommand(PlaceOrder Order) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.Place(Order, timestamp, events);

    public override string ToString()
    {
        var o = Order;
        var price = o.Type == OrderType.Market ? "mkt" : o.Price.ToString(CultureInfo.InvariantCulture);
        return $"Place(acct {o.AccountId} {o.Side} {o.Type} {o.Size}@{price} {o.TimeInForce} {o.Flags} {o.SelfTradePrevention} coid={o.ClientOrderId ?? "-"})";
    }
}

/// <summary>Cancel either a given id / client id, or (when <paramref name="Pick"/> is set) a resting order,
/// as its owner or, when <paramref name="AsOwner"/> is false, as <paramref name="AccountId"/>.</summary>
public sealed record CancelCommand(long AccountId, long OrderId, string? ClientOrderId, int? Pick, bool AsOwner) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events)
    {
        var (account, id) = (AccountId, OrderId);
        if (Pick is { } pick && PickResting(book, pick) is { } target)
            (account, id) = (AsOwner ? target.AccountId : AccountId, target.OrderId);
        book.Cancel(new CancelOrder(account, id, ClientOrderId), timestamp, events);
    }

    public override string ToString() => Pick is { } p
        ? $"Cancel(resting #{p} as {(AsOwner ? "owner" : $"acct {AccountId}")})"
        : $"Cancel(acct {AccountId} id {OrderId} coid={ClientOrderId ?? "-"})";
}

/// <summary>Amend a given id / client id to an absolute price and size, or a picked resting order by deltas.</summary>
/// <param name="Expected">For a picked order, the open size the amend expects relative to the order's own (null: no condition).</param>
public sealed record AmendCommand(long AccountId, long OrderId, string? ClientOrderId, int? Pick, long Price, long Size, long? Expected = null) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events)
    {
        var amend = new AmendOrder(AccountId, OrderId, ClientOrderId, Price, Size);
        if (Pick is { } pick && PickResting(book, pick) is { } target)
            amend = new AmendOrder(target.AccountId, target.OrderId, null, target.Price + Price, target.Remaining + Size,
                Expected is { } expected ? Math.Max(0, target.Remaining + expected) : 0);
        book.Amend(amend, timestamp, events);
    }

    public override string ToString() => Pick is { } p
        ? $"Amend(resting #{p} price {Price:+0;-0;+0} size {Size:+0;-0;+0})"
        : $"Amend(acct {AccountId} id {OrderId} coid={ClientOrderId ?? "-"} to {Size}@{Price})";
}

public sealed record CancelAllCommand(long AccountId) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.CancelAll(AccountId, timestamp, events);

    public override string ToString() => $"CancelAll(acct {AccountId})";
}

public sealed record SetModeCommand(MarketMode Mode, ModeCause? Cause = null) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events)
    {
        if (Cause is { } cause) book.SetMode(Mode, cause, timestamp, events);
        else book.SetMode(Mode, timestamp, events);
    }

    public override string ToString() => $"SetMode({Mode}{(Cause is { } c ? $", {c.Actor} '{c.Reason}'" : "")})";
}

public sealed record SetMarkCommand(long Price) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.SetMarkPrice(Price, timestamp, events);

    public override string ToString() => $"SetMark({Price})";
}

public sealed record SetRiskCommand(MarketRisk Risk) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.SetRisk(Risk, timestamp, events);

    public override string ToString() => $"SetRisk(maker {Risk.MakerFeeBps}, taker {Risk.TakerFeeBps}, {Risk.Tiers.Length} tiers)";
}

public sealed record UncrossCommand(long ReferencePrice) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.Uncross(ReferencePrice, timestamp, events);

    public override string ToString() => $"Uncross(ref {ReferencePrice})";
}

public sealed record SetBreakerCommand(BreakerRules Rules) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.SetBreakerRules(Rules, timestamp, events);

    public override string ToString() => $"SetBreaker(band {Rules.BandBps}, velocity {Rules.VelocityBps} bps / {Rules.VelocityWindowMs} ms)";
}

public sealed record SetLiquidationCommand(Exchange.Risk.LiquidationRules Rules) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.SetLiquidationRules(Rules, timestamp, events);

    public override string ToString() => $"SetLiquidation(fund {Rules.FundAccountId}, fee {Rules.FeeBps})";
}

public sealed record SetOpenInterestCommand(Exchange.Risk.OpenInterestLimits Limits) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.SetOpenInterestLimits(Limits, timestamp, events);

    public override string ToString() => $"SetOpenInterest(market {Limits.MarketLots}, account {Limits.AccountLots})";
}

public sealed record TransferCommand(Exchange.Risk.PositionTransfer Transfer) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.TransferPosition(Transfer, timestamp, events);

    public override string ToString() => $"Transfer({Transfer})";
}

public sealed record FeeCommand(long AccountId, long Amount) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.ChargeLiquidationFee(AccountId, Amount, timestamp, events);

    public override string ToString() => $"Fee(acct {AccountId}, {Amount})";
}

public sealed record FundingCommand(long PeriodEnd) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.ApplyFunding(PeriodEnd, 3_600_000, timestamp, events);

    public override string ToString() => $"Funding(period end {PeriodEnd})";
}

public sealed record IndexTickCommand(IndexTick Tick) : BookCommand
{
    public override void ApplyTo(IOrderBook book, long timestamp, EventBuffer events) => book.ApplyIndex(Tick, timestamp, events);

    public override string ToString() => $"Index({Tick.IndexTicks}, {Tick.Status}, sigma {Tick.HorizonSigmaPpm}, {Tick.Origin})";
}

/// <summary>A book's starting mode and the commands to feed it; command i runs at timestamp 1000 + i.</summary>
public sealed record Scenario(MarketMode InitialMode, BookCommand[] Commands)
{
    public static long TimestampOf(int index) => 1_000 + index;

    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"start in {InitialMode}, {Commands.Length} commands:");
        for (var i = 0; i < Commands.Length; i++) text.Append(CultureInfo.InvariantCulture, $"\n  [{i}] {Commands[i]}");
        return text.ToString();
    }
}

/// <summary>
/// Random command streams over prices 95..105, accounts 1..4 and client ids c1..c6, so that crossing,
/// self-trades and repeated client order ids are common; a few percent of inputs are invalid.
/// </summary>
public static class CommandStreams
{
    /// <summary>
    /// Prices 1..200, sizes 1..50, market orders up to 3 ticks through the best price. The market follows an index that
    /// reopens it at once (no waiting, no auction time), so that random ticks walk every mode step. It starts with a
    /// 400 bps band (4 ticks around 100), so that limit prices 95..105 often fall outside it and sweeps often reach it;
    /// the streams change the rules as they go.
    /// </summary>
    public static readonly MarketSpec Spec = new("PROP", TickSize: 1m, LotSize: 1m,
        MinPrice: 1, MaxPrice: 200, MinSize: 1, MaxSize: 50, MarketProtectionTicks: 3,
        Index: new IndexRules("PROP-USD", ReopenAfterMs: 0, AuctionMs: 0), Breaker: new BreakerRules(BandBps: 400));

    private static readonly Gen<long> Account = Gen.Frequency((40, Gen.Long[1, 4]), (1, Gen.OneOf(0L, -1L)));

    private static readonly Gen<long> Price = Gen.Frequency((40, Gen.Long[95, 105]), (1, Gen.OneOf(0L, 201L)));

    private static readonly Gen<long> Size = Gen.Frequency((40, Gen.Long[1, 10]), (1, Gen.OneOf(0L, 51L)));

    private static readonly Gen<string?> ClientOrderId = Gen.Frequency(
        (20, Gen.Const((string?)null)),
        (15, Gen.Int[1, 6].Select(i => (string?)$"c{i}")),
        (1, Gen.OneOf((string?)"", "bad id", new string('x', 65))));

    private static readonly Gen<OrderType> Type = Gen.Frequency((8, Gen.Const(OrderType.Limit)), (2, Gen.Const(OrderType.Market)), (1, Gen.Const((OrderType)200)));

    private static readonly Gen<TimeInForce> TimeInForces = Gen.Frequency(
        (30, Gen.Const(TimeInForce.GoodTillCancel)), (8, Gen.Const(TimeInForce.ImmediateOrCancel)),
        (8, Gen.Const(TimeInForce.FillOrKill)), (1, Gen.Const((TimeInForce)200)));

    private static readonly Gen<OrderFlags> Flags = Gen.Frequency(
        (30, Gen.Const(OrderFlags.None)), (10, Gen.Const(OrderFlags.PostOnly)), (5, Gen.Const(OrderFlags.ReduceOnly)),
        (3, Gen.Const(OrderFlags.PostOnly | OrderFlags.ReduceOnly)), (2, Gen.Const(OrderFlags.ReduceOnly | OrderFlags.Liquidation)),
        (1, Gen.Const((OrderFlags)8)));

    private static readonly Gen<SelfTradePrevention> Stp = Gen.Frequency(
        (20, Gen.Enum<SelfTradePrevention>()), (1, Gen.Const((SelfTradePrevention)200)));

    private static readonly Gen<BookCommand> Place = Gen.Select(Account, Gen.Enum<Side>(), Type, Price, Size, TimeInForces, Flags, Stp, ClientOrderId,
        (account, side, type, price, size, tif, flags, stp, clientOrderId) => (BookCommand)new PlaceCommand(new PlaceOrder(
            account, side, type,
            // Market orders mostly carry 0, sometimes a cap; the rare invalid price (0 or 201) stays a market order's
            // invalid cap (201), so that both kinds of order reach the rejection.
            type == OrderType.Market ? (price is 0 or 201 ? 201 : price % 3 == 0 ? price : 0) : price,
            size, tif, flags, stp, clientOrderId)));

    private static readonly Gen<BookCommand> CancelResting = Gen.Select(Gen.Int[0, 1_000], Account, Gen.Frequency((5, Gen.Const(true)), (1, Gen.Const(false))),
        (pick, account, asOwner) => (BookCommand)new CancelCommand(account, 0, null, pick, asOwner));

    private static readonly Gen<BookCommand> CancelNamed = Gen.Select(Account, Gen.Long[0, 40], ClientOrderId,
        (account, id, clientOrderId) => (BookCommand)new CancelCommand(account, id, clientOrderId, null, true));

    private static readonly Gen<BookCommand> AmendResting = Gen.Select(Gen.Int[0, 1_000], Gen.Long[-3, 3], Gen.Long[-3, 3],
        Gen.Frequency((6, Gen.Const((long?)null)), (3, Gen.Const((long?)0)), (1, Gen.Long[-2, 2].Select(d => (long?)d))),
        (pick, priceDelta, sizeDelta, expected) => (BookCommand)new AmendCommand(0, 0, null, pick, priceDelta, sizeDelta, expected));

    private static readonly Gen<BookCommand> AmendNamed = Gen.Select(Account, Gen.Long[0, 40], ClientOrderId, Price, Size,
        (account, id, clientOrderId, price, size) => (BookCommand)new AmendCommand(account, id, clientOrderId, null, price, size));

    private static readonly Gen<BookCommand> CancelAll = Account.Select(a => (BookCommand)new CancelAllCommand(a));

    private static readonly Gen<BookCommand> SetMode = Gen.Frequency(
        (3, Gen.Const(MarketMode.Open)), (3, Gen.Const(MarketMode.Auction)), (1, Gen.Const(MarketMode.PostOnly)),
        (1, Gen.Const(MarketMode.CancelOnly)), (1, Gen.Const(MarketMode.Halted)), (1, Gen.Const((MarketMode)200)))
        .SelectMany(m => Gen.Frequency(
            (2, Gen.Const((BookCommand)new SetModeCommand(m))),
            (2, Gen.Select(Gen.Enum<ModeActor>(), Gen.OneOf<string?>(null, "velocity", "index stale"),
                (actor, reason) => (BookCommand)new SetModeCommand(m, new ModeCause(actor, reason)))),
            (1, Gen.Const((BookCommand)new SetModeCommand(m, new ModeCause(ModeActor.Breaker, "")))))); // refused: empty reason

    private static readonly Gen<BookCommand> SetMark = Gen.Frequency((10, Gen.Long[95, 105]), (2, Gen.Const(0L)), (1, Gen.Const(201L)))
        .Select(p => (BookCommand)new SetMarkCommand(p));

    private static readonly Gen<BookCommand> SetRisk = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, 4], Gen.Int[5, 10], (maker, taker) => MarketRisk.Default with { MakerFeeBps = maker, TakerFeeBps = taker })),
        (1, Gen.Const(MarketRisk.Default with { Tiers = [] }))) // refused: no tiers
        .Select(r => (BookCommand)new SetRiskCommand(r));

    private static readonly Gen<BookCommand> Uncross = Gen.Frequency((20, Gen.Long[93, 107]), (1, Gen.Const(0L)))
        .Select(p => (BookCommand)new UncrossCommand(p));

    private static readonly Gen<BookCommand> IndexTick = Gen.Select(
        Gen.Frequency((20, Gen.Long[93, 107]), (1, Gen.OneOf(0L, -1L, 500L))),
        Gen.Frequency((6, Gen.Const(Exchange.Pricing.IndexStatus.Fresh)), (2, Gen.Const(Exchange.Pricing.IndexStatus.Degraded)),
            (2, Gen.Const(Exchange.Pricing.IndexStatus.Stale))),
        Gen.Frequency((3, Gen.Const(-1L)), (3, Gen.Long[0, 200_000]), (1, Gen.Const(-2L))),
        Gen.Frequency((8, Gen.Const(IndexTickOrigin.Oracle)), (1, Gen.Const(IndexTickOrigin.Restart)), (1, Gen.Const(IndexTickOrigin.Silence))),
        (price, status, sigma, origin) => (BookCommand)new IndexTickCommand(new IndexTick(price, status, 0, sigma, origin)));

    /// <summary>
    /// Off, band only, velocity only and both; commands run 1 us apart, so a 1 ms window holds every trade the ring
    /// remembers and a velocity of 200 bps allows 2 ticks around 100. A few are refused (out of range, or what is
    /// already in force).
    /// </summary>
    private static readonly Gen<BookCommand> SetBreaker = Gen.Frequency(
        (2, Gen.Const(BreakerRules.Off)),
        (3, Gen.OneOf(Gen.Const(300), Gen.Const(400), Gen.Const(800)).Select(band => new BreakerRules(band))),
        (2, Gen.Const(new BreakerRules(0, 200, 1))),
        (2, Gen.Const(new BreakerRules(500, 300, 1))),
        (1, Gen.OneOf(Gen.Const(new BreakerRules(-1)), Gen.Const(new BreakerRules(0, 100, 0)))))
        .Select(rules => (BookCommand)new SetBreakerCommand(rules));

    /// <summary>The fund is account 9 (never one of the traders); a few rules are refused (out of range, or already in force).</summary>
    private static readonly Gen<BookCommand> SetLiquidation = Gen.Frequency(
        (3, Gen.Const(new Exchange.Risk.LiquidationRules(9))),
        (1, Gen.Const(new Exchange.Risk.LiquidationRules(9, FeeBps: 80))),
        (1, Gen.Const(new Exchange.Risk.LiquidationRules(9, FeeBps: -1))))
        .Select(rules => (BookCommand)new SetLiquidationCommand(rules));

    /// <summary>
    /// Caps small enough to bind among four traders of 1-10 lots (the market's at 5 to 40 lots), none, and a few refused
    /// (negative, or what is already in force). The per-account cap is the accounts' to hold; the book only carries it.
    /// </summary>
    private static readonly Gen<BookCommand> SetOpenInterest = Gen.Frequency(
        (2, Gen.Const(Exchange.Risk.OpenInterestLimits.None)),
        (5, Gen.Long[5, 40].Select(cap => new Exchange.Risk.OpenInterestLimits(cap))),
        (2, Gen.Long[5, 40].Select(cap => new Exchange.Risk.OpenInterestLimits(cap, 8))),
        (1, Gen.Const(new Exchange.Risk.OpenInterestLimits(-1))))
        .Select(limits => (BookCommand)new SetOpenInterestCommand(limits));

    /// <summary>
    /// Mostly the counterparty the kind needs (the fund takes over, traders are deleveraged) and a lot or two, so that many
    /// fit both positions (a transfer beyond either is refused); sometimes the wrong party or any size.
    /// </summary>
    private static readonly Gen<BookCommand> Transfer =
        Gen.Frequency((10, Gen.Const(Exchange.Risk.PositionTransferKind.Takeover)), (10, Gen.Const(Exchange.Risk.PositionTransferKind.Deleverage)),
            (1, Gen.Const((Exchange.Risk.PositionTransferKind)200)))
        .SelectMany(kind => Gen.Select(Account,
            kind == Exchange.Risk.PositionTransferKind.Takeover ? Gen.Frequency((8, Gen.Const(9L)), (1, Gen.Long[1, 4]))
                : Gen.Frequency((8, Gen.Long[1, 4]), (1, Gen.Const(9L))),
            Gen.Enum<Side>(), Price, Gen.Frequency((3, Gen.Long[1, 2]), (1, Size)),
            (account, counterparty, side, price, size) =>
                (BookCommand)new TransferCommand(new Exchange.Risk.PositionTransfer(kind, account, counterparty, side, price, size))));

    private static readonly Gen<BookCommand> Fee = Gen.Select(Gen.Frequency((8, Account), (1, Gen.Const(9L))),
        Gen.Frequency((5, Gen.Long[1, 1_000]), (1, Gen.Const(0L))), (account, amount) => (BookCommand)new FeeCommand(account, amount));

    /// <summary>Interval ends from a small range, so that some repeat (refused: already settled).</summary>
    private static readonly Gen<BookCommand> Funding = Gen.Frequency((8, Gen.Long[1, 30]), (1, Gen.Const(0L)))
        .Select(n => (BookCommand)new FundingCommand(n * 3_600_000));

    public static readonly Gen<BookCommand> Command = Gen.Frequency(
        (55, Place), (8, CancelResting), (3, CancelNamed), (10, AmendResting), (2, AmendNamed),
        (2, CancelAll), (5, SetMode), (3, Uncross), (2, SetMark), (1, SetRisk), (4, IndexTick), (2, SetBreaker),
        (3, SetLiquidation), (6, Transfer), (1, Fee), (1, Funding), (2, SetOpenInterest));

    public static readonly Gen<Scenario> Scenarios = Gen.Select(
        Gen.Frequency((6, Gen.Const(MarketMode.Open)), (2, Gen.Const(MarketMode.Auction)), (1, Gen.Const(MarketMode.PostOnly))),
        Command.Array[1, 150],
        (mode, commands) => new Scenario(mode, commands));
}
