using Exchange.Pricing;

namespace Exchange.Matching;

/// <summary>What an index tick asks of the market's mode, beside its terms.</summary>
public enum IndexModeStep : byte
{
    None,
    /// <summary>The index cannot be trusted: stop trading (cancel-only) until it can.</summary>
    SafeMode,
    /// <summary>The index has been trusted long enough: collect orders in a reopening auction.</summary>
    ReopeningAuction,
    /// <summary>The reopening auction has run its time: uncross near the index and trade continuously again.</summary>
    Uncross,
}

/// <summary>The terms an index tick leaves, the mode step it asks for, and the schedule to put in force if it changed.</summary>
public readonly record struct IndexPlan(IndexState State, long Mark, MarketRisk? RiskInForce, IndexModeStep Step, ModeCause Cause);

/// <summary>
/// How a market follows its index, tick by tick: pure, with time from the tick's command (microseconds, like every
/// event timestamp). A trusted tick moves the mark by <see cref="MarkPriceRule"/> (unless the operator overrides it),
/// steps the margin multipliers towards what the index's volatility asks, and walks a market the oracle had stopped
/// back to trading: trusted for <see cref="IndexRules.ReopenAfterMs"/>, then a reopening auction of
/// <see cref="IndexRules.AuctionMs"/>, then an uncross near the index. An untrusted tick (stale, no price, the
/// market's own restart or the oracle's silence) leaves the mark where it was and puts a trading market into
/// cancel-only: nothing trades on a price nobody can vouch for. A market an operator halted or made cancel-only stays
/// as the operator left it either way: the oracle only undoes what the oracle did.
/// </summary>
public static class IndexFollowing
{
    /// <summary>
    /// Runs a tick on a book: a rejection for a market without an index or a tick with impossible values, else the
    /// tick's terms (through <paramref name="commit"/>, the book's own setter) and then its mode step, through the
    /// book's ordinary mode commands. Both books run this, so the rule exists once.
    /// </summary>
    public static void Apply(IOrderBook book, in IndexTick tick, long timestamp, EventBuffer events, Action<MarketTerms, long> commit)
    {
        if (book.Spec.Index is null || !IsWellFormed(tick))
        {
            events.Add(MarketEvent.Rejected(book.Sequence, timestamp, 0, RejectReason.NoIndex));
            return;
        }
        var plan = Plan(book.Spec, book.Terms, book.Mode, tick, timestamp,
            book.TryGetBestPrice(Side.Buy, out var bid) ? bid : 0, book.TryGetBestPrice(Side.Sell, out var ask) ? ask : 0, book.LastTradePrice);
        var sequence = book.Sequence;
        commit(TermsChanges.ApplyIndex(book.Terms, plan, ref sequence, timestamp, events), sequence);
        switch (plan.Step)
        {
            case IndexModeStep.SafeMode: book.SetMode(MarketMode.CancelOnly, plan.Cause, timestamp, events); break;
            case IndexModeStep.ReopeningAuction: book.SetMode(MarketMode.Auction, plan.Cause, timestamp, events); break;
            case IndexModeStep.Uncross: book.Uncross(plan.State.Tick.IndexTicks, plan.Cause, timestamp, events); break;
        }
    }

    public static bool IsWellFormed(in IndexTick tick) =>
        tick.IndexTicks >= 0 && Enum.IsDefined(tick.Status) && Enum.IsDefined(tick.Origin) && tick.HorizonSigmaPpm >= -1 && tick.AsOf >= 0;

    public static IndexPlan Plan(MarketSpec spec, MarketTerms terms, MarketMode mode, in IndexTick tick, long timestamp,
        long bestBid, long bestAsk, long lastTrade)
    {
        var rules = spec.Index ?? throw new ArgumentException("the market follows no index", nameof(spec));
        var previous = terms.Index ?? IndexState.Initial(terms);
        var now = timestamp / 1_000;
        if (!tick.IsTrusted)
        {
            var untrusted = previous with { Tick = tick, TrustedSince = 0, AuctionSince = 0 };
            // A breaker's auction trades nothing either: it stays, so the breaker's pause keeps its orders and its schedule,
            // and its reopen waits until the index is trusted again (BreakerReopening).
            var safe = mode is MarketMode.CancelOnly or MarketMode.Halted
                || (mode == MarketMode.Auction && terms.ModeCause.Actor == ModeActor.Breaker);
            var stop = safe ? IndexModeStep.None : IndexModeStep.SafeMode;
            return new IndexPlan(untrusted, terms.MarkPrice, null, stop, new ModeCause(ModeActor.Oracle, WhyUntrusted(rules.Index, tick.Origin)));
        }

        var index = Math.Clamp(tick.IndexTicks, spec.MinPrice, spec.MaxPrice);
        var basis = MarkPriceRule.UpdateBasis(rules.MarkTerms, previous.BasisMilliTicks, index, bestBid, bestAsk);
        var mark = previous.OperatorMark ? terms.MarkPrice
            : Math.Clamp(MarkPriceRule.Mark(rules.MarkTerms, index, basis, bestBid, bestAsk, lastTrade), spec.MinPrice, spec.MaxPrice);
        var trustedSince = previous.TrustedSince > 0 ? previous.TrustedSince : now;
        var (multipliers, since, risk) = Scaled(rules, previous, tick.HorizonSigmaPpm, now);

        var byOracle = terms.ModeCause.Actor == ModeActor.Oracle;
        var step = IndexModeStep.None;
        var auctionSince = previous.AuctionSince;
        if (byOracle && mode == MarketMode.CancelOnly && now - trustedSince >= rules.ReopenAfterMs)
            (step, auctionSince) = (IndexModeStep.ReopeningAuction, now);
        else if (byOracle && mode == MarketMode.Auction && auctionSince > 0 && now - auctionSince >= rules.AuctionMs)
            (step, auctionSince) = (IndexModeStep.Uncross, 0);
        var cause = new ModeCause(ModeActor.Oracle, step == IndexModeStep.ReopeningAuction
            ? $"index {rules.Index} trusted again: reopening auction" : $"index {rules.Index} trusted: reopened by auction");
        var state = new IndexState(tick with { IndexTicks = index }, basis, trustedSince, auctionSince, multipliers, since,
            previous.BaseRisk, previous.OperatorMark);
        return new IndexPlan(state, mark, risk, step, cause);
    }

    /// <summary>
    /// The margin multipliers after this tick: towards what the index's volatility asks, at the pace the policy allows.
    /// An unknown volatility (the oracle has too few returns, as after its restart) leaves them where they are, so a
    /// restart never lowers margin by itself.
    /// </summary>
    private static (MarginMultipliers Multipliers, long Since, MarketRisk? InForce) Scaled(IndexRules rules, IndexState previous,
        long horizonSigmaPpm, long now)
    {
        // The pace is counted from the last step, or from the first tick: never from the epoch.
        var since = previous.MultipliersSince > 0 ? previous.MultipliersSince : now;
        if (horizonSigmaPpm < 0) return (previous.Multipliers, since, null);
        var policy = rules.ScalingTerms;
        var target = MarginScaling.Target(policy, horizonSigmaPpm, previous.BaseRisk.Tiers[0].MaintenanceBps);
        var next = MarginScaling.Step(policy, previous.Multipliers, since, now, target);
        return next == previous.Multipliers
            ? (previous.Multipliers, since, null)
            : (next, now, MarginScaling.Scale(previous.BaseRisk, next));
    }

    private static string WhyUntrusted(string index, IndexTickOrigin origin) => origin switch
    {
        IndexTickOrigin.Restart => $"index {index} not yet fresh after a restart",
        IndexTickOrigin.Silence => $"index {index} silent",
        _ => $"index {index} stale",
    };
}
