namespace Exchange.Accounts;

/// <summary>How accounts bound their calls and persist. Bound from "Exchange:Accounts".</summary>
public sealed class AccountOptions
{
    /// <summary>The deadline of one store operation (a transfer, a snapshot, loading).</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a changed ledger is snapshotted (fills are never lost: the markets' journals hold them).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an account with open orders asks its markets whether it missed any event.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);
}
