namespace Exchange.Accounts;

/// <summary>How accounts bound their calls and persist. Bound from "Exchange:Accounts".</summary>
public sealed class AccountOptions
{
    /// <summary>The deadline of one store operation (a transfer, a snapshot, loading).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a changed ledger is snapshotted. Fills are never lost (the markets' journals hold them); a longer
    /// interval means fewer writes from busy accounts and a longer tail to fetch from the markets on reactivation.
    /// </summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an account with open orders asks its markets whether it missed any event.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old a market's mark price, as last reported with the market's answers and pushes, may be when an order
    /// or withdrawal is checked against it; older, and the market is asked.
    /// </summary>
    public TimeSpan MarkMaxAge { get; set; } = TimeSpan.FromMilliseconds(500);
}
