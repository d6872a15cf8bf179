using Exchange.Accounts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Accounts;

/// <summary>Transfers without a cluster: once per transfer id, durable before credited, and an unknown outcome stops the activation.</summary>
public sealed class AccountTransfersTests
{
    private const long Account = 8;
    private readonly AccountLedger _ledger = new(Account);
    private readonly ThrowingStore _store = new();
    private readonly AccountSnapshots _snapshots;
    private readonly ActivationHealth _health;
    private readonly AccountTransfers _transfers;
    private int _deactivations;

    public AccountTransfersTests()
    {
        var options = new AccountOptions();
        _snapshots = new AccountSnapshots(Account, _store, options, new FakeTimeProvider(), NullLogger.Instance);
        _health = new ActivationHealth(() => _deactivations++);
        _transfers = new AccountTransfers(Account, _ledger, _store, options, _snapshots, _health, NullLogger.Instance);
    }

    private static Task<Dictionary<string, long>?> NoMarks() => Task.FromResult<Dictionary<string, long>?>([]);

    [Fact]
    public async Task A_transfer_id_is_applied_once_and_a_different_transfer_under_it_is_refused()
    {
        Assert.Equal(new TransferResult(AccountReject.None, false, 100), await _transfers.Deposit(100, "d"));
        Assert.Equal(new TransferResult(AccountReject.None, true, 100), await _transfers.Deposit(100, "d"));
        Assert.Equal(AccountReject.TransferIdConflict, (await _transfers.Deposit(101, "d")).Reject);
        Assert.Equal(AccountReject.TransferIdConflict, (await _transfers.Withdraw(100, "d", NoMarks)).Reject);
        Assert.Equal((100L, 1L), (_ledger.Collateral, _transfers.Sequence));
        Assert.Equal(AccountReject.InvalidAmount, (await _transfers.Deposit(0, "z")).Reject);
    }

    [Fact]
    public async Task A_withdrawal_is_decided_only_on_trusted_marks_and_a_transfer_id_another_writer_took_stops_the_activation()
    {
        await _transfers.Deposit(100, "d");
        Assert.Equal(AccountReject.MarkUntrusted, (await _transfers.Withdraw(10, "w", () => Task.FromResult<Dictionary<string, long>?>(null))).Reject);
        Assert.Equal(100, _ledger.Collateral);
        Assert.False(_health.Stopped);
        // The id was free when checked, so another activation wrote it meanwhile: its transfer is missing here, and
        // only a fresh activation can answer the retry (as a duplicate, or a conflict).
        _store.IdTakenOnAppend = "w";
        await Assert.ThrowsAsync<TransferConflictException>(() => _transfers.Withdraw(10, "w", NoMarks));
        Assert.True(_health.Stopped);
        await Assert.ThrowsAsync<AccountUnavailableException>(() => _transfers.Withdraw(10, "w", NoMarks));
    }

    [Fact]
    public async Task A_write_whose_outcome_is_unknown_stops_the_activation_without_crediting()
    {
        await _transfers.Deposit(100, "d-1");
        _store.UnknownOnAppend = true;
        await Assert.ThrowsAsync<IOException>(() => _transfers.Deposit(50, "d-2"));
        // The sequence counts the in-doubt transfer while the ledger does not: nothing may be stored from here on.
        Assert.Equal((100L, 2L, 0), (_ledger.Collateral, _transfers.Sequence, _transfers.InFlight));
        Assert.True(_health.Stopped);
        Assert.Equal(1, _deactivations);
        await Assert.ThrowsAsync<AccountUnavailableException>(() => _transfers.Deposit(50, "d-2"));
    }

    private sealed class ThrowingStore : IAccountStore
    {
        private readonly InMemoryAccountStore _inner = new();
        public bool UnknownOnAppend { get; set; }
        public string? IdTakenOnAppend { get; set; }

        public Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken)
        {
            if (UnknownOnAppend) throw new IOException("injected: unknown outcome");
            if (transfer.TransferId == IdTakenOnAppend) throw new TransferConflictException("injected", transferIdTaken: true);
            return _inner.AppendTransfer(accountId, transfer, cancellationToken);
        }

        public Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken) => _inner.FindTransfer(accountId, transferId, cancellationToken);
        public Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken) => _inner.TransfersAfter(accountId, sequence, cancellationToken);
        public Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken) => _inner.AddMarket(accountId, symbol, cancellationToken);
        public Task<string[]> Markets(long accountId, CancellationToken cancellationToken) => _inner.Markets(accountId, cancellationToken);
        public Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot, CancellationToken cancellationToken) =>
            _inner.SaveSnapshot(accountId, expectedVersion, transferSequence, snapshot, cancellationToken);
        public Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken) => _inner.LoadSnapshot(accountId, cancellationToken);
        public Task<long[]> AccountIds(CancellationToken cancellationToken) => _inner.AccountIds(cancellationToken);
        public Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken) => _inner.TransferTotals(cancellationToken);
    }
}
