using System.Runtime.CompilerServices;
using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Benchmarks.Market;

/// <summary>
/// A journal that checks each append's sequence range and then forgets the batch: the
/// market grain with journaling really switched off. <see cref="InMemoryMarketJournal"/> keeps every batch, so
/// under it the heap grows by about a kilobyte a command and the garbage collector's work grows with it; this
/// one separates the grain's own cost from that. Nothing can be replayed from it.
/// </summary>
internal sealed class DiscardMarketJournal : IMarketJournal
{
    private sealed class Market(MarketSpec spec)
    {
        public readonly MarketSpec Spec = spec;
        public long LastSequence;
    }

    private readonly Dictionary<string, Market> _markets = [];
    private readonly Lock _lock = new();

    public Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_markets.TryAdd(spec.Symbol, new Market(spec)));
    }

    public Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_markets.Values.Select(m => m.Spec).ToArray());
    }

    public Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_markets.TryGetValue(symbol, out var m) ? m.Spec : null);
    }

    public Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var m = Find(market);
            if (m.LastSequence != batch.FirstSequence - 1)
                throw new JournalFencedException($"{market}: the journal no longer ends at sequence {batch.FirstSequence - 1}");
            m.LastSequence = batch.LastSequence;
        }
        return Task.CompletedTask;
    }

    public Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the discarding journal cannot tell which batches it took");

    public async IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (_lock)
            if (Find(market).LastSequence > afterSequence)
                throw new NotSupportedException("the discarding journal cannot replay what it discarded");
        await Task.CompletedTask;
        yield break;
    }

    public Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) => Task.FromResult<StoredSnapshot?>(null);

    private Market Find(string market) =>
        _markets.TryGetValue(market, out var m) ? m : throw new InvalidOperationException($"unknown market {market}");
}
