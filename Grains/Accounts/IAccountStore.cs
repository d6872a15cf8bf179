namespace Exchange.Accounts;

public enum TransferKind : byte { Deposit = 1, Withdrawal = 2 }

public sealed record TransferRecord(long Sequence, string TransferId, TransferKind Kind, long Amount);

/// <summary>
/// Where accounts keep what is theirs alone: transfers (the only money that enters or leaves), the markets each
/// account has traded in, and ledger snapshots. Fills are not stored here: the markets' journals hold them.
/// </summary>
public interface IAccountStore
{
    /// <summary>Records a transfer at the account's next transfer sequence. Durable when it returns.</summary>
    /// <exception cref="TransferConflictException">The sequence or the transfer id is taken.</exception>
    Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken);

    Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken);

    Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken);

    /// <summary>Remembers that the account trades in a market, before its first order there.</summary>
    Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken);

    Task<string[]> Markets(long accountId, CancellationToken cancellationToken);

    /// <summary>Stores a snapshot that includes every transfer up to <paramref name="transferSequence"/>, unless a newer one is stored.</summary>
    Task SaveSnapshot(long accountId, long transferSequence, AccountSnapshot snapshot, CancellationToken cancellationToken);

    Task<(long TransferSequence, AccountSnapshot Snapshot)?> LoadSnapshot(long accountId, CancellationToken cancellationToken);

    /// <summary>Every account that has a transfer or a market.</summary>
    Task<long[]> AccountIds(CancellationToken cancellationToken);

    Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken);
}

/// <summary>The transfer's sequence was taken (another activation of the account) or its id was used.</summary>
public sealed class TransferConflictException(string message, bool transferIdTaken) : Exception(message)
{
    public bool TransferIdTaken { get; } = transferIdTaken;
}
