using System.Runtime.CompilerServices;
using Exchange.Journal;

namespace Exchange.Tests.Infrastructure;

/// <summary>The real journal, counting the batches read back from it: after a sequence, and from an order on.</summary>
public sealed class ReadCountingJournal(IMarketJournal inner) : DelegatingJournal(inner)
{
    private int _batchesRead, _orderBatchesRead;

    /// <summary>Batches read by <see cref="IMarketJournal.ReadAfter"/> (accounts catching up, recovery).</summary>
    public int BatchesRead { get => Volatile.Read(ref _batchesRead); set => Volatile.Write(ref _batchesRead, value); }

    /// <summary>Batches read by <see cref="IMarketJournal.ReadFromOrder"/> (describing one old order).</summary>
    public int OrderBatchesRead { get => Volatile.Read(ref _orderBatchesRead); set => Volatile.Write(ref _orderBatchesRead, value); }

    /// <summary>False: snapshots are stored without their account heads, as before they were kept (migration 0011).</summary>
    public bool KeepAccountHeads { get; init; } = true;

    public override Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) =>
        base.SaveSnapshot(market, KeepAccountHeads ? snapshot : snapshot with { AccountHeads = null }, cancellationToken);

    public override IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken) =>
        Counted(Inner.ReadAfter(market, afterSequence, cancellationToken), () => Interlocked.Increment(ref _batchesRead), cancellationToken);

    public override IAsyncEnumerable<JournalBatch> ReadFromOrder(string market, long orderId, CancellationToken cancellationToken) =>
        Counted(Inner.ReadFromOrder(market, orderId, cancellationToken), () => Interlocked.Increment(ref _orderBatchesRead), cancellationToken);

    private static async IAsyncEnumerable<JournalBatch> Counted(IAsyncEnumerable<JournalBatch> batches, Action count,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            count();
            yield return batch;
        }
    }
}
