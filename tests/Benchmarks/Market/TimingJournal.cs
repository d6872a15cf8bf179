using System.Diagnostics;
using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Benchmarks.Market;

/// <summary>
/// Wraps the silo's journal and times every append (for PostgreSQL: encoding the batch, the round trip and the
/// commit's WAL flush), so a run can say how long the grain waited on its journal and how big the batches were.
/// Costs two timestamps and a list entry per batch.
/// </summary>
internal sealed class TimingJournal(IMarketJournal inner) : IMarketJournal
{
    public readonly record struct AppendRecord(long Start, long Ticks, long FirstSequence, int Entries, long Events);

    private readonly Dictionary<string, List<AppendRecord>> _appends = [];
    private readonly Lock _lock = new();

    public IMarketJournal Inner => inner;

    /// <summary>The appends of batches after <paramref name="afterSequence"/>, in order.</summary>
    public AppendRecord[] AppendsAfter(string market, long afterSequence)
    {
        lock (_lock)
            return _appends.TryGetValue(market, out var list) ? [.. list.Where(a => a.FirstSequence > afterSequence)] : [];
    }

    public async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await inner.Append(market, batch, cancellationToken);
        var record = new AppendRecord(start, Stopwatch.GetTimestamp() - start, batch.FirstSequence, batch.Entries.Count,
            batch.LastSequence - batch.FirstSequence + 1);
        lock (_lock)
        {
            if (!_appends.TryGetValue(market, out var list)) _appends[market] = list = [];
            list.Add(record);
        }
    }

    public Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken) => inner.CreateMarket(spec, cancellationToken);

    public Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken) => inner.ListMarkets(cancellationToken);

    public Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken) => inner.GetMarket(symbol, cancellationToken);

    public Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken) =>
        inner.ContainsBatch(market, batchId, cancellationToken);

    public IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken) =>
        inner.ReadAfter(market, afterSequence, cancellationToken);

    public IAsyncEnumerable<JournalBatch> ReadFromOrder(string market, long orderId, CancellationToken cancellationToken) =>
        inner.ReadFromOrder(market, orderId, cancellationToken);

    public Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) =>
        inner.SaveSnapshot(market, snapshot, cancellationToken);

    public Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) => inner.LatestSnapshot(market, cancellationToken);


}
