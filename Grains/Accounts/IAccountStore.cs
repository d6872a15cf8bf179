namespace Exchange.Accounts;

public enum TransferKind : byte { Deposit = 1, Withdrawal = 2 }

public sealed record TransferRecord(long Sequence, string TransferId, TransferKind Kind, long Amount);

/// <summary>
/// An account's stored snapshot: the ledger, the transfers it includes (every one up to
/// <paramref name="TransferSequence"/>), and the version of the write that stored it (1 for the first).
/// </summary>
public sealed record StoredAccountSnapshot(long Version, long TransferSequence, AccountSnapshot Snapshot);

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

    /// <summary>
    /// Stores a snapshot that includes every transfer up to <paramref name="transferSequence"/> as version
    /// <paramref name="expectedVersion"/> + 1, only if the stored one is still <paramref name="expectedVersion"/> (0: none
    /// is stored): the version the activation loaded or last wrote itself. False, and nothing written, if another write
    /// came in between (another activation of the account, or an earlier write of this one whose answer was lost).
    /// Durable when it returns true.
    /// </summary>
    Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot,
        CancellationToken cancellationToken);

    Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken);

    /// <summary>Every account that has a transfer or a market.</summary>
    Task<long[]> AccountIds(CancellationToken cancellationToken);

    Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken);
}

/// <summary>The transfer's sequence was taken (another activation of the account) or its id was used.</summary>
public sealed class TransferConflictException(string message, bool transferIdTaken) : Exception(message)
{
    public bool TransferIdTaken { get; } = transferIdTaken;
}
