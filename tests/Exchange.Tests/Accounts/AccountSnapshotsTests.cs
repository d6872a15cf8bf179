using Exchange.Accounts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Accounts;

/// <summary>When an account's snapshot is due and how its write goes, on a fake clock and the in-memory store.</summary>
public sealed class AccountSnapshotsTests
{
    private const long Account = 5;
    private readonly FakeTimeProvider _clock = new();
    private readonly InMemoryAccountStore _store = new();
    private readonly AccountOptions _options = new() { SnapshotEveryEvents = 10, SnapshotInterval = TimeSpan.FromSeconds(60) };

    private AccountSnapshots Snapshots(IAccountStore? store = null) => new(Account, store ?? _store, _options, _clock, NullLogger.Instance);

    private static AccountSnapshot Ledger(long collateral)
    {
        var ledger = new AccountLedger(Account);
        ledger.Deposit(collateral);
        return AccountSnapshot.Of(ledger);
    }

    [Fact]
    public void Due_after_enough_events_or_once_the_interval_has_passed_since_loading()
    {
        var snapshots = Snapshots();
        snapshots.Loaded(0);
        snapshots.Applied(9);
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(snapshots.IsDue);
        snapshots.Applied(1);
        Assert.True(snapshots.IsDue);

        var quiet = Snapshots();
        quiet.Loaded(0);
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(quiet.IsDue);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(quiet.IsDue);
    }

    [Fact]
    public async Task An_unchanged_ledger_is_not_written_and_a_written_one_starts_the_count_again()
    {
        var snapshots = Snapshots();
        snapshots.Loaded(0);
        snapshots.Applied(10);
        Assert.Equal(SnapshotWrite.Skipped, await snapshots.Write(0, () => Ledger(1), CancellationToken.None));
        Assert.Null(await _store.LoadSnapshot(Account, CancellationToken.None));

        snapshots.Changed();
        Assert.Equal(SnapshotWrite.Written, await snapshots.Write(3, () => Ledger(1), CancellationToken.None));
        Assert.False(snapshots.IsDue);
        Assert.Equal(SnapshotWrite.Skipped, await snapshots.Write(3, () => Ledger(2), CancellationToken.None));
        var stored = await _store.LoadSnapshot(Account, CancellationToken.None);
        Assert.Equal((1L, 3L, 1L), (stored!.Version, stored.TransferSequence, stored.Snapshot.Collateral));
    }

    [Fact]
    public async Task A_write_over_a_snapshot_this_activation_did_not_load_is_refused()
    {
        var older = Snapshots();
        older.Loaded(0);
        var newer = Snapshots();
        newer.Loaded(0);
        newer.Changed();
        Assert.Equal(SnapshotWrite.Written, await newer.Write(2, () => Ledger(200), CancellationToken.None));
        newer.Changed();
        Assert.Equal(SnapshotWrite.Written, await newer.Write(2, () => Ledger(200), CancellationToken.None));
        Assert.Equal(2, newer.Version);

        older.Changed();
        Assert.Equal(SnapshotWrite.Replaced, await older.Write(1, () => Ledger(100), CancellationToken.None));
        Assert.Equal(200, (await _store.LoadSnapshot(Account, CancellationToken.None))!.Snapshot.Collateral);
    }

    [Fact]
    public async Task A_failed_write_leaves_the_ledger_changed_so_the_next_check_tries_again()
    {
        var failing = new FailingSnapshotStore(_store) { Fail = true };
        var snapshots = Snapshots(failing);
        snapshots.Loaded(0);
        snapshots.Changed();
        Assert.Equal(SnapshotWrite.Failed, await snapshots.Write(1, () => Ledger(1), CancellationToken.None));
        failing.Fail = false;
        Assert.Equal(SnapshotWrite.Written, await snapshots.Write(1, () => Ledger(1), CancellationToken.None));
        Assert.Equal(1, snapshots.Version);
    }

    private sealed class FailingSnapshotStore(InMemoryAccountStore inner) : IAccountStore
    {
        public bool Fail { get; set; }

        public Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot, CancellationToken cancellationToken) =>
            Fail ? throw new IOException("injected") : inner.SaveSnapshot(accountId, expectedVersion, transferSequence, snapshot, cancellationToken);

        public Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken) => inner.AppendTransfer(accountId, transfer, cancellationToken);
        public Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken) => inner.FindTransfer(accountId, transferId, cancellationToken);
        public Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken) => inner.TransfersAfter(accountId, sequence, cancellationToken);
        public Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken) => inner.AddMarket(accountId, symbol, cancellationToken);
        public Task<string[]> Markets(long accountId, CancellationToken cancellationToken) => inner.Markets(accountId, cancellationToken);
        public Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken) => inner.LoadSnapshot(accountId, cancellationToken);
        public Task<long[]> AccountIds(CancellationToken cancellationToken) => inner.AccountIds(cancellationToken);
        public Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken) => inner.TransferTotals(cancellationToken);
    }
}
