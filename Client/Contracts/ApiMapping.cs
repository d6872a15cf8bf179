using Exchange.Client.Input;
using Exchange.Client.Orders;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Contracts;

/// <summary>Engine values to API answers: ticks, lots and micro-USD become decimal strings, enums lower-case words.</summary>
public static class ApiMapping
{
    public static long Millis(long micros) => micros / 1000;

    /// <summary>A market as it is now: its spec, and its journaled terms (fees, margin tiers, mark, why it is in its mode).</summary>
    public static MarketResponse Market(MarketSpec spec, MarketSummary summary)
    {
        var terms = summary.Terms ?? MarketTerms.Initial(spec);
        return new(
            spec.Symbol, Vocabulary.Of(summary.Mode), DecimalText.Format(spec.TickSize), DecimalText.Format(spec.LotSize),
            Units.Price(spec, spec.MinPrice), Units.Price(spec, spec.MaxPrice), Units.Size(spec, spec.MinSize),
            Units.Size(spec, spec.MaxSize), Units.Price(spec, spec.MarketProtectionTicks), terms.Risk.MakerFeeBps,
            terms.Risk.TakerFeeBps,
            [.. terms.Risk.Tiers.Select(t => new MarginTierResponse(Units.Money(t.NotionalFloor), t.InitialBps, t.MaintenanceBps))],
            Vocabulary.Of(terms.ModeCause.Actor), terms.ModeCause.Reason, terms.MarkPrice == 0 ? null : Units.Price(spec, terms.MarkPrice),
            spec.Index?.Index, IndexPrice(spec, terms), IndexStatus(spec, terms), Multiplier(terms), BreakerState(summary.Mode),
            OpenInterest: Units.Size(spec, summary.OpenInterest), MaxOpenInterest: MaxOpenInterest(spec, terms),
            MaxPositionSize: MaxPositionSize(spec, terms));
    }

    /// <summary>The market's open-interest cap in base units (null: none).</summary>
    public static string? MaxOpenInterest(MarketSpec spec, MarketTerms terms) =>
        terms.OpenInterest is { MarketLots: > 0 } l ? Units.Size(spec, l.MarketLots) : null;

    /// <summary>The cap on one account's position in base units (null: none).</summary>
    public static string? MaxPositionSize(MarketSpec spec, MarketTerms terms) =>
        terms.OpenInterest is { AccountLots: > 0 } l ? Units.Size(spec, l.AccountLots) : null;

    /// <summary>paused while the market is in an auction (whoever started it), else normal.</summary>
    public static string BreakerState(MarketMode mode) => mode == MarketMode.Auction ? "paused" : "normal";

    /// <param name="breaker">The breaker grain's state, for when it reopens (null: not asked).</param>
    public static BreakerResponse Breaker(MarketSpec spec, BreakerView view, Exchange.Breakers.BreakerStatus? breaker = null)
    {
        var rules = view.Terms.Breaker ?? BreakerRules.Off;
        var paused = view.Mode == MarketMode.Auction;
        // The breaker's schedule speaks for the market only while the market is in the breaker's own auction.
        var held = paused && view.Terms.ModeCause.Actor == ModeActor.Breaker
            && breaker?.State.Phase is Exchange.Breakers.BreakerPhase.Paused or Exchange.Breakers.BreakerPhase.Reopening;
        var band = rules.Band(view.Reference) is var (low, high)
            ? new BandResponse(Units.Price(spec, low), Units.Price(spec, high))
            : null;
        var indicative = view.Indicative is { } i
            ? new IndicativeResponse(Units.Price(spec, i.Price), Units.Size(spec, i.Volume), Units.Size(spec, Math.Abs(i.Imbalance)),
                i.Imbalance > 0 ? "buy" : i.Imbalance < 0 ? "sell" : null)
            : null;
        return new BreakerResponse(spec.Symbol, BreakerState(view.Mode), Vocabulary.Of(view.Mode), view.Sequence,
            new BreakerRulesResponse(rules.BandBps, rules.VelocityBps, rules.VelocityWindowMs),
            view.Reference > 0 ? Units.Price(spec, view.Reference) : null, band,
            paused ? Vocabulary.Of(view.Terms.ModeCause.Actor) : null, paused ? view.Terms.ModeCause.Reason : null, indicative,
            held ? breaker!.State.ReopenAtMs : null, held ? breaker!.State.Extensions : 0,
            breaker is null ? null : Policy(breaker.Policy),
            breaker is null ? null : [.. breaker.State.History.Reverse().Select(t => new BreakerTripResponse(t.Sequence, t.TrippedAtMs, t.PauseMs,
                t.Reason, t.Extensions, t.ReopenedAtMs > 0 ? t.ReopenedAtMs : null))]);
    }

    public static BreakerPolicyResponse Policy(Exchange.Breakers.BreakerPolicy p) =>
        new(p.PauseMs, p.EscalatedPauseMs, p.EscalationWindowMs, p.ExtensionMs, p.RecheckMs, p.MaxCollarBps);

    /// <summary>The market's latest index tick in its own units; null when it follows no index or has no trusted price yet.</summary>
    public static string? IndexPrice(MarketSpec spec, MarketTerms terms) =>
        spec.Index is not null && terms.Index?.Tick.IndexTicks is long ticks && ticks > 0 ? Units.Price(spec, ticks) : null;

    /// <summary>fresh, degraded or stale as of the market's latest tick (stale before its first); null without an index.</summary>
    public static string? IndexStatus(MarketSpec spec, MarketTerms terms) =>
        spec.Index is null ? null : Vocabulary.Of(terms.Index?.Tick.Status ?? Exchange.Pricing.IndexStatus.Stale);

    public static MarginMultiplierResponse Multiplier(MarketTerms terms)
    {
        var m = terms.Index?.Multipliers ?? Exchange.Pricing.MarginMultipliers.One;
        return new MarginMultiplierResponse(m.InitialBps, m.MaintenanceBps);
    }

    public static string[][] Levels(MarketSpec spec, IEnumerable<PriceLevel> levels) =>
        [.. levels.Select(l => new[] { Units.Price(spec, l.Price), Units.Size(spec, l.Size) })];

    public static BookResponse Book(MarketSpec spec, BookView book) =>
        new(spec.Symbol, book.Sequence, Vocabulary.Of(book.Mode), Levels(spec, book.Bids), Levels(spec, book.Asks));

    public static TradeResponse Trade(MarketSpec spec, PublicTrade t) =>
        new(t.Sequence, Units.Price(spec, t.Price), Units.Size(spec, t.Size), Vocabulary.Of(t.TakerSide), Millis(t.Timestamp), t.Liquidation);

    public static string Status(OrderStatus status) => status switch
    {
        OrderStatus.PartiallyFilled => "partially_filled",
        OrderStatus.Filled => "filled",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Expired => "expired",
        _ => "new",
    };

    public static FillResponse Fill(MarketSpec spec, FillRecord f, string? clientOrderId) => new(
        f.Sequence, f.OrderId, clientOrderId, spec.Symbol, Vocabulary.Of(f.Side), Units.Price(spec, f.Price),
        Units.Size(spec, f.Size), f.Maker ? "maker" : "taker", Millis(f.Timestamp));

    public static OrderResponse Order(MarketSpec spec, OrderRecord o) => new(
        o.OrderId, o.ClientOrderId, spec.Symbol, Vocabulary.Of(o.Side), Vocabulary.Of(o.Type),
        o.Type == OrderType.Market ? null : Units.Price(spec, o.Price), Units.Size(spec, o.Size), Units.Size(spec, o.Filled),
        o.Filled == 0 ? null : Units.AveragePrice(spec, o.FilledTickLots, o.Filled), Status(o.Status),
        Vocabulary.Of(o.TimeInForce), (o.Flags & OrderFlags.PostOnly) != 0, (o.Flags & OrderFlags.ReduceOnly) != 0,
        Vocabulary.Of(o.SelfTradePrevention), Millis(o.CreatedAt), Millis(o.UpdatedAt),
        [.. o.Fills.Select(f => Fill(spec, f, o.ClientOrderId))]);

    public static CancelledOrderResponse Cancelled(MarketSpec spec, MarketEvent e) =>
        new(e.OrderId, spec.Symbol, Vocabulary.Of(e.Side), Units.Price(spec, e.Price), Units.Size(spec, e.Size));
}
