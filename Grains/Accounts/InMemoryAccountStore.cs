namespace Exchange.Accounts;

/// <summary>The account store for running without PostgreSQL: same contract, lost with the process.</summary>
public sealed class InMemoryAccountStore : IAccountStore
{
    private readonly Dictionary<long, List<TransferRecord>> _transfers = [];
    private readonly Dictionary<long, HashSet<string>> _markets = [];
    private readonly Dictionary<long, StoredAccountSnapshot> _snapshots = [];
    private readonly Lock _lock = new();

    public Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var list = _transfers.TryGetValue(accountId, out var l) ? l : _transfers[accountId] = [];
            if (list.Exists(t => t.TransferId == transfer.TransferId))
                throw new TransferConflictException($"transfer {transfer.TransferId} exists", transferIdTaken: true);
            if (list.Exists(t => t.Sequence == transfer.Sequence))
                throw new TransferConflictException($"transfer sequence {transfer.Sequence} is taken", transferIdTaken: false);
            list.Add(transfer);
        }
        return Task.CompletedTask;
    }

    public Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_transfers.GetValueOrDefault(accountId)?.Find(t => t.TransferId == transferId));
    }

    public Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_transfers.GetValueOrDefault(accountId)?.Where(t => t.Sequence > sequence)
                .OrderBy(t => t.Sequence).ToArray() ?? []);
    }

    public Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken)
    {
        lock (_lock) (_markets.TryGetValue(accountId, out var s) ? s : _markets[accountId] = []).Add(symbol);
        return Task.CompletedTask;
    }

    public Task<string[]> Markets(long accountId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_markets.GetValueOrDefault(accountId)?.Order(StringComparer.Ordinal).ToArray() ?? []);
    }

    public Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot,
        CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if ((_snapshots.TryGetValue(accountId, out var stored) ? stored.Version : 0) != expectedVersion) return Task.FromResult(false);
            _snapshots[accountId] = new StoredAccountSnapshot(expectedVersion + 1, transferSequence, snapshot);
            return Task.FromResult(true);
        }
    }

    public Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_snapshots.GetValueOrDefault(accountId));
    }

    public Task<long[]> AccountIds(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_transfers.Keys.Union(_markets.Keys).Order().ToArray());
    }

    public Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var all = _transfers.Values.SelectMany(t => t).ToList();
            return Task.FromResult((all.Where(t => t.Kind == TransferKind.Deposit).Sum(t => t.Amount),
                all.Where(t => t.Kind == TransferKind.Withdrawal).Sum(t => t.Amount)));
        }
    }
}
