using CsCheck;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Journal;

/// <summary>CsCheck generators for everything the journal stores, over the full range of every field.</summary>
public static class JournalGen
{
    /// <summary>Any long, with the edges and small values (the common case for deltas) well represented.</summary>
    public static readonly Gen<long> AnyLong = Gen.Frequency(
        (3, Gen.Long),
        (3, Gen.Long[-300, 300]),
        (1, Gen.Long[-(1L << 40), 1L << 40]),
        (1, Gen.OneOf(long.MinValue, long.MaxValue, long.MinValue + 1, long.MaxValue - 1, 0L, -1L, 1L, 63L, 64L, -64L, -65L, 127L, 128L)));

    /// <summary>Unicode scalar values from every UTF-8 length class: no lone surrogates, which UTF-8 cannot carry.</summary>
    private static readonly Gen<string> Scalar = Gen.Frequency(
        (4, Gen.Int[0x21, 0x7E]),
        (1, Gen.Int[0, 0x7F]),
        (1, Gen.Int[0x80, 0x7FF]),
        (1, Gen.Int[0x800, 0xD7FF]),
        (1, Gen.Int[0xE000, 0xFFFF]),
        (1, Gen.Int[0x10000, 0x10FFFF])).Select(char.ConvertFromUtf32);

    public static readonly Gen<string> Text = Scalar.Array[0, 20].Select(parts => string.Concat(parts));

    public static readonly Gen<string?> NullableText = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (1, Gen.Const<string?>("")),
        (4, Text.Select(s => (string?)s)));

    /// <summary>Every combination of the declared flags.</summary>
    public static readonly Gen<OrderFlags> Flags = Gen.Int[0, 3].Select(f => (OrderFlags)f);

    public static readonly Gen<PlaceOrder> PlaceOrder =
        Gen.Select(AnyLong, Gen.Enum<Side>(), Gen.Enum<OrderType>(), AnyLong, AnyLong, Gen.Enum<TimeInForce>(), Flags,
            Gen.Enum<SelfTradePrevention>(), NullableText,
            (account, side, type, price, size, tif, flags, stp, id) => new PlaceOrder(account, side, type, price, size, tif, flags, stp, id));

    public static readonly Gen<ModeCause> Cause =
        Gen.Select(Gen.Enum<ModeActor>(), NullableText, (actor, reason) => new ModeCause(actor, reason));

    /// <summary>Risk parameters as the journal must keep them, valid or not (the codec stores, the book judges).</summary>
    public static readonly Gen<MarketRisk> Risk =
        Gen.Select(Gen.Int, Gen.Int, Gen.Select(AnyLong, Gen.Int, Gen.Int, (floor, initial, maintenance) => new MarginTier(floor, initial, maintenance)).Array[0, 5],
            (maker, taker, tiers) => new MarketRisk(maker, taker, tiers));

    /// <summary>Index ticks as the journal must keep them, any values (the codec stores, the book judges).</summary>
    public static readonly Gen<IndexTick> Tick =
        Gen.Select(AnyLong, Gen.Enum<Exchange.Pricing.IndexStatus>(), AnyLong, AnyLong, Gen.Enum<IndexTickOrigin>(),
            (ticks, status, asOf, sigma, origin) => new IndexTick(ticks, status, asOf, sigma, origin));

    public static readonly Gen<IndexState> IndexState =
        Gen.Select(Tick, AnyLong, AnyLong, AnyLong, Gen.Select(Gen.Int, Gen.Int, (i, m) => new Exchange.Pricing.MarginMultipliers(i, m)),
            AnyLong, Risk, Gen.Bool,
            (tick, basis, trusted, auction, multipliers, since, risk, operatorMark) =>
                new IndexState(tick, basis, trusted, auction, multipliers, since, risk, operatorMark));

    /// <summary>Breaker rules as the journal must keep them, valid or not.</summary>
    public static readonly Gen<BreakerRules> Breaker =
        Gen.Select(Gen.Int, Gen.Int, AnyLong, (band, velocity, window) => new BreakerRules(band, velocity, window));

    public static readonly Gen<RecentTrade> RecentTrade = Gen.Select(AnyLong, AnyLong, (t, p) => new RecentTrade(t, p));

    public static readonly Gen<MarketCommand> Command = Gen.OneOf<MarketCommand>(
        PlaceOrder.Select(o => (MarketCommand)new PlaceCommand(o)),
        Gen.Select(AnyLong, AnyLong, NullableText, (a, o, id) => (MarketCommand)new CancelCommand(new CancelOrder(a, o, id))),
        Gen.Select(AnyLong, AnyLong, NullableText, AnyLong, AnyLong, Gen.Frequency((2, Gen.Const(0L)), (1, AnyLong)),
            (a, o, id, p, s, expected) => (MarketCommand)new AmendCommand(new AmendOrder(a, o, id, p, s, expected))),
        AnyLong.Select(a => (MarketCommand)new CancelAllCommand(a)),
        Gen.Enum<MarketMode>().Select(m => (MarketCommand)new SetModeCommand(m)),
        Gen.Select(Gen.Enum<MarketMode>(), Cause, (m, c) => (MarketCommand)new SetModeCommand(m, c)),
        AnyLong.Select(p => (MarketCommand)new UncrossCommand(p)),
        AnyLong.Select(p => (MarketCommand)new SetMarkPriceCommand(p)),
        Risk.Select(r => (MarketCommand)new SetRiskCommand(r)),
        Tick.Select(t => (MarketCommand)new ApplyIndexCommand(t)),
        Breaker.Select(b => (MarketCommand)new SetBreakerRulesCommand(b)),
        Gen.Select(AnyLong, Cause, (p, c) => (MarketCommand)new ReopenCommand(p, c)));

    /// <summary>Events of every kind, built with MarketEvent's own constructors, with arbitrary values.</summary>
    public static readonly Gen<MarketEvent> Event = Gen.OneOf(
        Gen.Select(AnyLong, AnyLong, AnyLong, PlaceOrder, AnyLong,
            (seq, ts, id, order, price) => MarketEvent.Accepted(seq, ts, id, order, price)),
        Gen.Select(AnyLong, AnyLong, AnyLong, Gen.Enum<RejectReason>(), NullableText, AnyLong,
            (seq, ts, account, reason, id, orderId) => MarketEvent.Rejected(seq, ts, account, reason, id, orderId)),
        Gen.Select(AnyLong, AnyLong, AnyLong, AnyLong, Gen.Enum<Side>(), AnyLong, AnyLong, AnyLong, AnyLong, AnyLong, AnyLong,
            (seq, ts, taker, takerAccount, side, maker, makerAccount, price, size, remaining, makerRemaining) =>
                MarketEvent.Trade(seq, ts, taker, takerAccount, side, maker, makerAccount, price, size, remaining, makerRemaining)),
        Gen.Select(AnyLong, AnyLong, AnyLong, AnyLong, Gen.Enum<Side>(), AnyLong, AnyLong, Gen.Enum<CancelReason>(),
            (seq, ts, id, account, side, price, size, reason) => MarketEvent.Cancelled(seq, ts, id, account, side, price, size, reason)),
        Gen.Select(AnyLong, AnyLong, AnyLong, AnyLong, Gen.Enum<Side>(), AnyLong, AnyLong, AnyLong, AnyLong,
            (seq, ts, id, account, side, price, size, previousPrice, previousSize) =>
                MarketEvent.Amended(seq, ts, id, account, side, price, size, previousPrice, previousSize)),
        Gen.Select(AnyLong, AnyLong, Gen.Enum<MarketMode>(), Gen.Enum<MarketMode>(),
            (seq, ts, mode, previous) => MarketEvent.ModeSwitched(seq, ts, mode, previous)),
        Gen.Select(AnyLong, AnyLong, Gen.Enum<MarketMode>(), Gen.Enum<MarketMode>(), Cause,
            (seq, ts, mode, previous, cause) => MarketEvent.ModeSwitched(seq, ts, mode, previous, cause)),
        Gen.Select(AnyLong, AnyLong, AnyLong, AnyLong,
            (seq, ts, price, volume) => MarketEvent.Uncrossed(seq, ts, price, volume)),
        Gen.Select(AnyLong, AnyLong, AnyLong, AnyLong,
            (seq, ts, price, previous) => MarketEvent.MarkSet(seq, ts, price, previous)),
        Gen.Select(AnyLong, AnyLong, Risk, (seq, ts, risk) => MarketEvent.RiskSet(seq, ts, risk)),
        Gen.Select(AnyLong, AnyLong, AnyLong, AnyLong, Gen.Enum<Exchange.Pricing.IndexStatus>(),
            (seq, ts, price, previous, status) => MarketEvent.IndexSet(seq, ts, price, previous, status)),
        Gen.Select(AnyLong, AnyLong, Breaker, (seq, ts, rules) => MarketEvent.BreakerSet(seq, ts, rules)));

    public static readonly Gen<JournalEntry> Entry =
        Gen.Select(Command, AnyLong, Event.Array[0, 6], (c, ts, events) => new JournalEntry(c, ts, events));

    public static readonly Gen<JournalEntry[]> Entries = Entry.Array[0, 12];

    public static readonly Gen<OrderView> Order =
        Gen.Select(AnyLong, AnyLong, Gen.Enum<Side>(), AnyLong, AnyLong, AnyLong, Gen.Enum<TimeInForce>(), Flags,
            Gen.Enum<SelfTradePrevention>(), NullableText, AnyLong,
            (id, account, side, price, remaining, filled, tif, flags, stp, clientId, acceptedAt) =>
                new OrderView(id, account, side, price, remaining, filled, tif, flags, stp, clientId, acceptedAt));

    public static readonly Gen<ClientOrderIdEntry> ClientOrderId =
        Gen.Select(AnyLong, Text, AnyLong, (account, id, order) => new ClientOrderIdEntry(account, id, order));

    public static readonly Gen<BookSnapshot> Snapshot =
        Gen.Select(Gen.Enum<MarketMode>(), AnyLong, AnyLong, Order.Array[0, 10], Order.Array[0, 10], ClientOrderId.Array[0, 10],
            (mode, seq, next, bids, asks, ids) => new BookSnapshot(mode, seq, next, bids, asks, ids))
        .SelectMany(snapshot => AnyLong.Select(price => snapshot with { LastTradePrice = price }))
        .SelectMany(snapshot => Gen.Frequency(
            (1, Gen.Const(snapshot)), // written before terms existed (version 1)
            (3, Gen.Select(AnyLong, Risk, Cause, AnyLong, (mark, risk, cause, marketWide) =>
                snapshot with { Terms = new MarketTerms(mark, risk, cause, marketWide) })),
            (2, Gen.Select(AnyLong, Risk, Cause, AnyLong, IndexState, (mark, risk, cause, marketWide, index) =>
                snapshot with { Terms = new MarketTerms(mark, risk, cause, marketWide, index) })),
            (2, Gen.Select(AnyLong, Risk, Cause, AnyLong, Gen.Frequency((1, Gen.Const((IndexState?)null)), (1, IndexState.Select(i => (IndexState?)i))),
                Gen.Frequency((1, Gen.Const((BreakerRules?)null)), (3, Breaker.Select(b => (BreakerRules?)b))), RecentTrade.Array[0, 8],
                (mark, risk, cause, marketWide, index, breaker, trades) => snapshot with
                {
                    Terms = new MarketTerms(mark, risk, cause, marketWide, index, breaker),
                    RecentTrades = trades.Length == 0 ? null : trades,
                })),
            // Version 5: open-interest caps (or none) and every account's position, ascending account ids, none zero.
            (2, Gen.Select(AnyLong, Risk, Cause, AnyLong, Gen.Frequency((1, Gen.Const((Exchange.Risk.OpenInterestLimits?)null)),
                    (2, Gen.Select(Gen.Long[0, long.MaxValue], Gen.Long[0, long.MaxValue], (m, a) => (Exchange.Risk.OpenInterestLimits?)new Exchange.Risk.OpenInterestLimits(m, a)))),
                Gen.Select(Gen.Long[1, 1_000], Gen.Long[-1_000_000, 1_000_000]).Array[0, 8],
                (mark, risk, cause, marketWide, limits, positions) => snapshot with
                {
                    Terms = new MarketTerms(mark, risk, cause, marketWide, OpenInterest: limits),
                    Positions = [.. positions.Where(p => p.Item2 != 0).DistinctBy(p => p.Item1).OrderBy(p => p.Item1)
                        .Select(p => new PositionEntry(p.Item1, p.Item2))],
                }))));
}
