using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>
/// Where markets keep their history: the list of markets, each market's journal of command batches, and its
/// snapshots. Every method honours its cancellation token as a deadline; none retries on its own.
/// </summary>
public interface IMarketJournal
{
    /// <summary>Records a new market with an empty journal. False when the symbol already exists.</summary>
    Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken);

    Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken);

    Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a batch if the journal still ends at <c>batch.FirstSequence - 1</c>; throws
    /// <see cref="JournalFencedException"/> (and writes nothing) when another writer got there first.
    /// Any other exception leaves the outcome unknown: ask <see cref="ContainsBatch"/>.
    /// </summary>
    Task Append(string market, JournalBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a batch is in the journal, answered only after any append still in flight for the market has
    /// finished, so the answer is final.
    /// </summary>
    Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken);

    /// <summary>The batches whose events come after <paramref name="afterSequence"/>, in order.</summary>
    IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken);

    /// <summary>
    /// The batches from the one that accepted order <paramref name="orderId"/> onward, in order (none when no batch
    /// is known to have accepted it). A reader stops when it has what it needs; implementations read in pages, so an
    /// early stop costs no more than what was read. This default walks the whole journal: fine for small ones.
    /// </summary>
    async IAsyncEnumerable<JournalBatch> ReadFromOrder(string market, long orderId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var found = false;
        await foreach (var batch in ReadAfter(market, 0, cancellationToken))
            if (found || (found = BatchOrders.Of(batch).LastAccepted >= orderId)) yield return batch;
    }

    Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken);

    Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken);
}

/// <summary>
/// A book snapshot as of <see cref="Sequence"/>, with the state hash the book had then, and what the market knew of its
/// accounts' streams there (null in snapshots written before it was kept; not covered by the hash, which vouches for the
/// book alone).
/// </summary>
public sealed record StoredSnapshot(long Sequence, ulong StateHash, BookSnapshot Book, AccountHeadsState? AccountHeads = null);

/// <summary>The journal moved on without this writer: another activation of the market is writing.</summary>
public sealed class JournalFencedException(string message) : Exception(message);
