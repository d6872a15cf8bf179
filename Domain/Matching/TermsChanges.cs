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
        return terms with { MarkPrice = price };
    }

    public static MarketTerms SetRisk(MarketTerms terms, MarketRisk risk, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckRisk(terms, risk);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, reject));
            return terms;
        }
        events.Add(MarketEvent.RiskSet(++sequence, timestamp, risk));
        return terms with { Risk = risk, MarketWideSequence = sequence };
    }
}
