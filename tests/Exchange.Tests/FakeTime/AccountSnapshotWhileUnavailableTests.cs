using Exchange.Accounts;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// A transfer write whose outcome is unknown leaves the account unavailable until a fresh activation reloads it. Until
/// that activation is gone its snapshot timer can still tick; a snapshot taken then would claim the in-doubt transfer's
/// sequence without its money, so a deposit that did commit would be lost on reload.
/// </summary>
public sealed class AccountSnapshotWhileUnavailableTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private FakeTimeCluster _cluster = null!;
    private InDoubtStore _store = null!;

    public async Task InitializeAsync() =>
        _cluster = await FakeTimeCluster.StartAsync(accountStore: inner => _store = new InDoubtStore(inner));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_deposit_whose_write_outcome_was_unknown_survives_the_snapshot_timer_and_the_reload()
    {
        var account = _cluster.Exchange.Client.GetGrain<IAccountGrain>(11);
        Assert.Equal(AccountReject.None, (await account.Deposit(1_000, "d-1")).Reject); // the ledger now differs from any snapshot

        // A call held inside the store keeps the activation busy, so it cannot deactivate before its timer ticks.
        var holding = account.Deposit(1, InDoubtStore.HeldTransferId);
        await _store.HoldEntered.Task.WaitAsync(Deadline);
        // A deposit that commits, and whose write then fails as if its answer were lost.
        var inDoubt = account.Deposit(2_000, InDoubtStore.InDoubtTransferId);
        await _store.InDoubtCommitted.Task.WaitAsync(Deadline);
        _store.FailInDoubt.SetResult();
        await Assert.ThrowsAsync<IOException>(() => inDoubt);

        // The snapshot is due (the ledger changed, the interval passed) while the activation is unavailable.
        _cluster.Advance(new AccountOptions().SnapshotInterval);
        _store.ReleaseHold.SetResult();
        await Assert.ThrowsAsync<IOException>(() => holding);

        // The next activation finds both deposits: the in-doubt one did commit.
        var reloaded = await Eventually(() => account.GetView(), Deadline);
        Assert.Equal(3_000, reloaded.Collateral);
        Assert.True(_store.SnapshotAttempts == 0, $"{_store.SnapshotAttempts} snapshots were written while the account was unavailable");
    }

    /// <summary>
    /// The in-memory store, where the in-doubt transfer is written and then reported failed once the test says so, and
    /// where looking up the held transfer waits for the test and then fails.
    /// </summary>
    private sealed class InDoubtStore(IAccountStore inner) : IAccountStore
    {
        public const string InDoubtTransferId = "in-doubt", HeldTransferId = "held";

        public TaskCompletionSource HoldEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource ReleaseHold { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource InDoubtCommitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource FailInDoubt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _snapshotAttempts;
        public int SnapshotAttempts => Volatile.Read(ref _snapshotAttempts);

        public async Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken)
        {
            await inner.AppendTransfer(accountId, transfer, cancellationToken);
            if (transfer.TransferId != InDoubtTransferId) return;
            InDoubtCommitted.SetResult();
            await FailInDoubt.Task;
            throw new IOException("injected: the connection dropped after the commit");
        }

        public async Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken)
        {
            if (transferId != HeldTransferId) return await inner.FindTransfer(accountId, transferId, cancellationToken);
            HoldEntered.SetResult();
            await ReleaseHold.Task;
            throw new IOException("injected: the store is unreachable");
        }

        public Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _snapshotAttempts);
            return inner.SaveSnapshot(accountId, expectedVersion, transferSequence, snapshot, cancellationToken);
        }

        public Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken) =>
            inner.TransfersAfter(accountId, sequence, cancellationToken);
        public Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken) => inner.AddMarket(accountId, symbol, cancellationToken);
        public Task<string[]> Markets(long accountId, CancellationToken cancellationToken) => inner.Markets(accountId, cancellationToken);
        public Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken) =>
            inner.LoadSnapshot(accountId, cancellationToken);
        public Task<long[]> AccountIds(CancellationToken cancellationToken) => inner.AccountIds(cancellationToken);
        public Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken) => inner.TransferTotals(cancellationToken);
    }
}
