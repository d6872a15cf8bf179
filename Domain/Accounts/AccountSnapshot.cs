using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// An account's ledger as stored between activations (JSON: small, and readable by an operator). Pending orders
/// are never stored: they are in flight and settle through the markets' journals.
/// </summary>
/// <param name="FundingPaid">Funding paid net of funding received (0 in snapshots from before funding existed).</param>
public sealed record AccountSnapshot(long Collateral, long Deposited, long Withdrawn, long FeesPaid, long RealisedPnl,
    AccountSnapshot.Market[] Markets, long FundingPaid = 0)
{
    /// <param name="Risk">The market's risk parameters as of the cursor (null in snapshots from before they were journaled: the spec's).</param>
    /// <param name="RealisedPnl">The PnL realised in the market (0 in snapshots from before it was kept).</param>
    /// <param name="OpenInterest">The market's open-interest caps as of the cursor (null: none, or a snapshot from before they
    /// existed, which the spec's caps then stand for).</param>
    public sealed record Market(string Symbol, long Size, long Cost, long Cursor, Order[] Orders, MarketRisk? Risk = null,
        MarketMode Mode = MarketMode.Open, Risk.OpenInterestLimits? OpenInterest = null, bool OpenInterestKnown = false, long RealisedPnl = 0);

    public sealed record Order(long OrderId, Side Side, long Price, long Remaining, bool ReduceOnly);

    public static AccountSnapshot Of(AccountLedger ledger) => new(
        ledger.Collateral, ledger.Deposited, ledger.Withdrawn, ledger.FeesPaid, ledger.RealisedPnl,
        [.. ledger.Markets.Select(m => new Market(m.Spec.Symbol, m.Position.Size, m.Position.Cost, m.Cursor,
            [.. m.OpenOrders.Select(o => new Order(o.Key, o.Value.Side, o.Value.Price, o.Value.Remaining, o.Value.ReduceOnly))],
            m.Risk, m.Mode, m.OpenInterest, OpenInterestKnown: true, m.RealisedPnl))], ledger.FundingPaid);

    /// <summary>Restores the ledger; <paramref name="specOf"/> supplies each market's spec.</summary>
    public void RestoreInto(AccountLedger ledger, Func<string, MarketSpec> specOf)
    {
        ledger.Restore(Collateral, Deposited, Withdrawn, FeesPaid, RealisedPnl, FundingPaid);
        foreach (var m in Markets)
        {
            var exposure = ledger.Track(specOf(m.Symbol));
            exposure.Restore(new Position(m.Size, m.Cost), m.Cursor,
                m.Orders.Select(o => KeyValuePair.Create(o.OrderId, new WorkingOrder(o.Side, o.Price, o.Remaining, o.ReduceOnly))));
            (exposure.Risk, exposure.Mode, exposure.RealisedPnl) = (m.Risk ?? exposure.Spec.RiskTerms, m.Mode, m.RealisedPnl);
            if (m.OpenInterestKnown) exposure.OpenInterest = m.OpenInterest;
        }
    }
}
