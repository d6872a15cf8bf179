namespace Exchange.Accounts;

/// <summary>How accounts bound their calls and persist. Bound from "Exchange:Accounts".</summary>
public sealed class AccountOptions
{
    /// <summary>The deadline of one store operation (a transfer, a snapshot, loading).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A changed ledger is snapshotted once this many market events were applied since the last snapshot...</summary>
    public long SnapshotEveryEvents { get; set; } = 10_000;

    /// <summary>
    /// ...or once this long has passed. Fills are never lost (the markets' journals hold them); the snapshot only
    /// bounds what a reactivation fetches from the markets, so quiet accounts need few.
    /// </summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many accounts of a silo may write a periodic snapshot at once; the others leave theirs for their next
    /// look (see <see cref="SnapshotWriteGate"/>).</summary>
    public int SnapshotWritesInFlight { get; set; } = 8;

    /// <summary>
    /// How often an account's one timer runs: it looks whether a snapshot is due, and reconciles when that is due. Every
    /// account has one, so at 100,000 accounts this is 20,000 grain turns a second (it was two timers, one every 2 s,
    /// and 70,000 turns a second before anything happened).
    /// </summary>
    public TimeSpan SnapshotCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an account with open orders or commands in flight asks those markets whether it missed any event.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often an account asks every market it joined, orders or not (a push it missed while it had nothing working:
    /// a liquidation step, a deleveraging). Each ask is a turn of the market, so quiet accounts ask rarely: at 100,000
    /// accounts asking every 5 s, a market spent 20,000 turns a second answering "nothing new".
    /// </summary>
    public TimeSpan QuietReconcileInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How old a market's mark price, as last reported with the market's answers and pushes, may be when an order is
    /// checked against it; older, and the market is asked (withdrawals and views always ask).
    /// </summary>
    public TimeSpan MarkMaxAge { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What is wrong with these options, in an operator's words (empty: nothing).</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in (List<(string, TimeSpan)>)[("StoreTimeout", StoreTimeout), ("SnapshotInterval", SnapshotInterval),
                     ("SnapshotCheckInterval", SnapshotCheckInterval), ("ReconcileInterval", ReconcileInterval), ("QuietReconcileInterval", QuietReconcileInterval),
                     ("MarkMaxAge", MarkMaxAge)])
            if (value <= TimeSpan.Zero) yield return $"Exchange:Accounts:{name} must be positive";
        if (StoreTimeout >= Markets.MarketOptions.CallTimeout) yield return "Exchange:Accounts:StoreTimeout must be below the 30 s call timeout";
        if (SnapshotEveryEvents < 1) yield return "Exchange:Accounts:SnapshotEveryEvents must be at least 1";
        if (SnapshotWritesInFlight < 1) yield return "Exchange:Accounts:SnapshotWritesInFlight must be at least 1";
    }
}
