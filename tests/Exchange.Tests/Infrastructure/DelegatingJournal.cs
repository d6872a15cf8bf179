using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Tests.Infrastructure;

/// <summary>A real journal behind a layer that tests override where they inject a fault or count calls.</summary>
public abstract class DelegatingJournal(IMarketJournal inner) : IMarketJournal
{
    protected IMarketJournal Inner { get; } = inner;

    public virtual Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken) => Inner.CreateMarket(spec, cancellationToken);
    public virtual Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken) => Inner.ListMarkets(cancellationToken);
    public virtual Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken) => Inner.GetMarket(symbol, cancellationToken);
    public virtual Task Append(string market, JournalBatch batch, CancellationToken cancellationToken) => Inner.Append(market, batch, cancellationToken);
    public virtual Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken) =>
        Inner.ContainsBatch(market, batchId, cancellationToken);
    public virtual IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken) =>
        Inner.ReadAfter(market, afterSequence, cancellationToken);
    public virtual IAsyncEnumerable<JournalBatch> ReadFromOrder(string market, long orderId, CancellationToken cancellationToken) =>
        Inner.ReadFromOrder(market, orderId, cancellationToken);
    public virtual Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) =>
        Inner.SaveSnapshot(market, snapshot, cancellationToken);
    public virtual Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) => Inner.LatestSnapshot(market, cancellationToken);
}
