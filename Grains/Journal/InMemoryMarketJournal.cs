using System.Runtime.CompilerServices;
using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>
/// A journal that lives only as long as the process: for running without PostgreSQL (with a warning) and for
/// measuring the market grain without durability. Same contract as the PostgreSQL journal, fencing included.
/// </summary>
public sealed class InMemoryMarketJournal : IMarketJournal
{
    private sealed class Market(MarketSpec spec)
    {
        public readonly MarketSpec Spec = spec;
        public readonly List<JournalBatch> Batches = [];
        public long LastSequence;
        public StoredSnapshot? Snapshot;
    }

    private readonly Dictionary<string, Market> _markets = [];
    private readonly Lock _lock = new();

    public Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_markets.TryAdd(spec.Symbol, new Market(spec)));
    }

    public Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_markets.Values.Select(m => m.Spec).OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray());
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
            m.Batches.Add(batch);
            m.LastSequence = batch.LastSequence;
        }
        return Task.CompletedTask;
    }

    public Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(Find(market).Batches.Exists(b => b.BatchId == batchId));
    }

    public async IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JournalBatch[] batches;
        lock (_lock) batches = [.. Find(market).Batches.Where(b => b.LastSequence > afterSequence)];
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return batch;
        }
        await Task.CompletedTask;
    }

    public Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var m = Find(market);
            if (m.Snapshot is null || m.Snapshot.Sequence < snapshot.Sequence) m.Snapshot = snapshot;
        }
        return Task.CompletedTask;
    }

    public Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(Find(market).Snapshot);
    }

    private Market Find(string market) =>
        _markets.TryGetValue(market, out var m) ? m : throw new InvalidOperationException($"unknown market {market}");
}
