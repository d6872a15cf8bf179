using Exchange.Accounts;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// The audit brings every account up to date between its store reads, which at 100,000 accounts takes longer than one
/// store read may; each read has its own deadline, so a long audit still ends with its totals instead of a cancellation.
/// </summary>
public sealed class AuditDeadlineTests : IAsyncLifetime
{
    private FakeTimeCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await FakeTimeCluster.StartAsync(accountStore: inner => new SlowReadsStore(inner, () => _cluster.Advance(ReadTime)));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // Each of the audit's reads takes 60% of the store deadline: two of them under one deadline would run out.
    private static readonly TimeSpan ReadTime = new AccountOptions().StoreTimeout * 0.6;

    [Fact]
    public async Task An_audit_longer_than_one_store_deadline_still_balances()
    {
        var account = _cluster.Exchange.Client.GetGrain<IAccountGrain>(7);
        Assert.Equal(AccountReject.None, (await account.Deposit(5_000, "d-1")).Reject);

        var audit = await _cluster.Exchange.Client.GetGrain<IAuditGrain>(0).Run();

        Assert.Equal((1, 5_000L, 0L), (audit.Accounts, audit.NetDeposits, audit.MoneyDifference));
    }

    /// <summary>The in-memory store whose audit reads take time on the fake clock and honour their deadline.</summary>
    private sealed class SlowReadsStore(IAccountStore inner, Action takeTime) : IAccountStore
    {
        public async Task<long[]> AccountIds(CancellationToken cancellationToken)
        {
            takeTime();
            cancellationToken.ThrowIfCancellationRequested();
            return await inner.AccountIds(cancellationToken);
        }

        public async Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken)
        {
            takeTime();
            cancellationToken.ThrowIfCancellationRequested();
            return await inner.TransferTotals(cancellationToken);
        }

        public Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken) =>
            inner.AppendTransfer(accountId, transfer, cancellationToken);
        public Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken) =>
            inner.FindTransfer(accountId, transferId, cancellationToken);
        public Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken) =>
            inner.TransfersAfter(accountId, sequence, cancellationToken);
        public Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken) => inner.AddMarket(accountId, symbol, cancellationToken);
        public Task<string[]> Markets(long accountId, CancellationToken cancellationToken) => inner.Markets(accountId, cancellationToken);
        public Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot,
            CancellationToken cancellationToken) => inner.SaveSnapshot(accountId, expectedVersion, transferSequence, snapshot, cancellationToken);
        public Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken) =>
            inner.LoadSnapshot(accountId, cancellationToken);
    }
}
