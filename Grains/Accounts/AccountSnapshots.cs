using Microsoft.Extensions.Logging;

namespace Exchange.Accounts;

internal enum SnapshotWrite { Skipped, Written, Failed, Replaced }

/// <summary>
/// An account's snapshots: when one is due, and writing it over exactly the version this activation loaded or last
/// wrote. A busy account snapshots every <see cref="AccountOptions.SnapshotEveryEvents"/> events, so that reloading it
/// never replays many; a quiet one at most every <see cref="AccountOptions.SnapshotInterval"/>, so that a thousand
/// accounts trading a little do not flood the database with writes. An unchanged ledger is never written. Whether the
/// activation may store anything at all is the grain's to decide, before it asks.
/// </summary>
/// <param name="ledgerChanged">Told of every change too (the account's row in the risk view follows the ledger).</param>
internal sealed class AccountSnapshots(long accountId, IAccountStore store, AccountOptions options, TimeProvider clock, ILogger logger,
    Action? ledgerChanged = null)
{
    private bool _changed;
    private long _eventsSince;
    private long _last = clock.GetTimestamp();

    /// <summary>The version of the stored snapshot this activation loaded or last wrote (0: none).</summary>
    public long Version { get; private set; }

    public void Loaded(long version) => (Version, _last) = (version, clock.GetTimestamp());

    /// <summary>The ledger changed since the last snapshot (fills, transfers, catching up).</summary>
    public void Changed()
    {
        _changed = true;
        ledgerChanged?.Invoke();
    }

    /// <summary>Market events were applied (counted toward <see cref="AccountOptions.SnapshotEveryEvents"/>).</summary>
    public void Applied(int events) => _eventsSince += events;

    public bool IsDue => _eventsSince >= options.SnapshotEveryEvents || clock.GetElapsedTime(_last) >= options.SnapshotInterval;

    /// <summary>Writes the snapshot if the ledger changed; a failed write leaves it changed, so the next one tries again.</summary>
    public async Task<SnapshotWrite> Write(long transferSequence, Func<AccountSnapshot> snapshot, CancellationToken cancellationToken)
    {
        if (!_changed) return SnapshotWrite.Skipped;
        _changed = false;
        (_eventsSince, _last) = (0, clock.GetTimestamp());
        bool written;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StoreTimeout);
            written = await store.SaveSnapshot(accountId, Version, transferSequence, snapshot(), deadline.Token);
        }
        catch (Exception ex)
        {
            _changed = true; // the journals still hold everything; the next snapshot tries again
            logger.SnapshotFailed(ex, accountId);
            return SnapshotWrite.Failed;
        }
        if (!written) return SnapshotWrite.Replaced;
        Version++;
        return SnapshotWrite.Written;
    }
}
