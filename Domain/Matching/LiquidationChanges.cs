using Exchange.Risk;

namespace Exchange.Matching;

/// <summary>
/// The liquidation engine's commands to a market (its rules, a position moved outside the book, a fee to the fund):
/// none touches a resting order, so both books run them from here, once, like <see cref="TermsChanges"/>. Each
/// either records a rejection at the current sequence or takes the next sequence for its event.
/// </summary>
internal static class LiquidationChanges
{
    public static MarketTerms SetRules(MarketTerms terms, LiquidationRules rules, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckLiquidationRules(terms, rules);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, reject));
            return terms;
        }
        events.Add(MarketEvent.LiquidationSet(++sequence, timestamp, rules));
        return terms with { Liquidation = rules };
    }

    public static void Transfer(MarketSpec spec, MarketMode mode, MarketTerms terms, MarketPositions positions, in PositionTransfer t,
        ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckTransfer(spec, mode, terms, t);
        if (reject == RejectReason.None && !WithinPositions(positions, t)) reject = RejectReason.TransferBeyondPosition;
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, t.AccountId, reject));
            return;
        }
        var kind = t.Kind == PositionTransferKind.Takeover ? EventKind.PositionTakenOver : EventKind.PositionDeleveraged;
        events.Add(MarketEvent.Transferred(kind, ++sequence, timestamp, t.AccountId, t.CounterpartyId, t.Side, t.Price, t.Size));
        // The liquidated account trades on its side with the counterparty (Sell closes its long): never refused by the caps.
        if (t.Side == Side.Buy) positions.Traded(t.AccountId, t.CounterpartyId, t.Size);
        else positions.Traded(t.CounterpartyId, t.AccountId, t.Size);
    }

    /// <summary>
    /// Whether the transfer closes no more than the liquidated account holds on its side and, when deleveraging, no more
    /// than the counterparty holds opposite: a counterparty chosen from a report that its later trades have overtaken is
    /// refused here, not flipped (the engine then decides again from fresher figures).
    /// </summary>
    private static bool WithinPositions(MarketPositions positions, in PositionTransfer t)
    {
        var closing = t.Side == Side.Sell ? 1 : -1; // selling closes a long; the counterparty buys, closing a short
        return closing * positions.Of(t.AccountId) >= t.Size
            && (t.Kind == PositionTransferKind.Takeover || -closing * positions.Of(t.CounterpartyId) >= t.Size);
    }

    public static void ChargeFee(MarketTerms terms, long accountId, long amount, ref long sequence, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckFee(terms, accountId, amount);
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, accountId, reject));
            return;
        }
        events.Add(MarketEvent.FeeCharged(++sequence, timestamp, accountId, terms.Liquidation!.FundAccountId, amount));
    }
}

/// <summary>Funding settlement, once per interval: both books run it from here.</summary>
internal static class FundingChanges
{
    public static MarketTerms Apply(MarketTerms terms, long periodEnd, long intervalMs, long lastTradePrice, ref long sequence, long timestamp,
        EventBuffer events)
    {
        var mark = terms.EffectiveMark(lastTradePrice);
        if (periodEnd <= 0 || intervalMs <= 0 || intervalMs > FundingRate.EightHoursMs || mark <= 0 || periodEnd <= (terms.Funding?.PeriodEnd ?? 0))
        {
            events.Add(MarketEvent.Rejected(sequence, timestamp, 0, RejectReason.FundingNotDue));
            return terms;
        }
        // Premium only against a trusted index: a market with no index, or a stale one, pays interest alone.
        var index = terms.Index is { Tick.IsTrusted: true } followed ? followed.Tick.IndexTicks : 0;
        var rate = FundingRate.Of(mark, index, intervalMs);
        events.Add(MarketEvent.Funded(++sequence, timestamp, mark, rate, periodEnd, intervalMs));
        return terms with { Funding = new FundingSettled(periodEnd, intervalMs, rate, mark), MarketWideSequence = sequence };
    }
}
