namespace Exchange.Matching;

/// <summary>
/// Changes of a market's terms (mark, risk parameters): they never depend on resting orders, so both books run
/// them from here, once. Each either records a rejection at the current sequence and returns the terms unchanged,
/// or takes the next sequence for its event and returns the new terms.
/// </summary>
internal static class TermsChanges
{
    public static MarketTerms SetMark(MarketSpec spec, MarketTerms terms, long price, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckMark(spec, terms, price);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, reject));
            return terms;
        }
        events.Add(MarketEvent.MarkSet(++sequence, timestamp, price, terms.MarkPrice));
        // Under an index, an operator's mark is an override that index ticks leave alone until it is cleared (0).
        return terms with { MarkPrice = price, Index = terms.Index is { } index ? index with { OperatorMark = price > 0 } : null };
    }

    /// <summary>The operator's band and velocity rules (<see cref="BreakerRules.Off"/> switches them off).</summary>
    public static MarketTerms SetBreaker(MarketTerms terms, BreakerRules rules, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckBreaker(terms, rules);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, reject));
            return terms;
        }
        events.Add(MarketEvent.BreakerSet(++sequence, timestamp, rules));
        return terms with { Breaker = MarketTerms.Normal(rules) };
    }

    /// <summary>
    /// Records an index tick (<see cref="IndexFollowing"/> planned it): the tick, the mark it gives when that differs
    /// from the mark in force, and the scaled schedule when the margin multipliers stepped. The mode step is the book's.
    /// </summary>
    public static MarketTerms ApplyIndex(MarketTerms terms, in IndexPlan plan, ref long sequence, long timestamp, EventBuffer events)
    {
        events.Add(MarketEvent.IndexSet(++sequence, timestamp, plan.State.Tick.IndexTicks, terms.Index?.Tick.IndexTicks ?? 0, plan.State.Tick.Status));
        if (plan.Mark != terms.MarkPrice) events.Add(MarketEvent.MarkSet(++sequence, timestamp, plan.Mark, terms.MarkPrice));
        terms = terms with { Index = plan.State, MarkPrice = plan.Mark };
        return plan.RiskInForce is { } risk ? ScaledRisk(terms, risk, ref sequence, timestamp, events) : terms;
    }

    /// <summary>
    /// The operator's schedule. Under an index whose volatility scales margin it becomes the base schedule, and the
    /// one in force (in the event) is it scaled by the multipliers of the moment.
    /// </summary>
    public static MarketTerms SetRisk(MarketTerms terms, MarketRisk risk, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckRisk(terms.Index?.BaseRisk ?? terms.Risk, risk);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, reject));
            return terms;
        }
        if (terms.Index is not { } index) return ScaledRisk(terms, risk, ref sequence, timestamp, events);
        return ScaledRisk(terms with { Index = index with { BaseRisk = risk } },
            Pricing.MarginScaling.Scale(risk, index.Multipliers), ref sequence, timestamp, events);
    }

    /// <summary>
    /// The operator's open-interest caps (<see cref="Risk.OpenInterestLimits.None"/> removes them): a market-wide event,
    /// because each account checks its own position's cap before an order, so it must see the change in sequence.
    /// </summary>
    public static MarketTerms SetOpenInterest(MarketTerms terms, Risk.OpenInterestLimits limits, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckOpenInterestLimits(terms, limits);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, reject));
            return terms;
        }
        events.Add(MarketEvent.OpenInterestSet(++sequence, timestamp, limits));
        return terms with { OpenInterest = Risk.OpenInterestLimits.Normal(limits), MarketWideSequence = sequence };
    }

    /// <summary>Puts a schedule in force (a market-wide event), as the operator set it or as volatility scaled it.</summary>
    public static MarketTerms ScaledRisk(MarketTerms terms, MarketRisk inForce, ref long sequence, long timestamp, EventBuffer events)
    {
        events.Add(MarketEvent.RiskSet(++sequence, timestamp, inForce));
        return terms with { Risk = inForce, MarketWideSequence = sequence };
    }
}
