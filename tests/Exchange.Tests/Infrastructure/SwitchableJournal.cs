using System.Runtime.CompilerServices;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Infrastructure;

/// <summary>The real journal, or when <see cref="Down"/> an unreachable one.</summary>
internal sealed class SwitchableJournal(IMarketJournal inner) : DelegatingJournal(inner)
{
    public volatile bool Down;

    private T Up<T>(Func<T> call) => Down ? throw new IOException("injected: the database is unreachable") : call();

    public override Task Append(string market, JournalBatch batch, CancellationToken cancellationToken) => Up(() => Inner.Append(market, batch, cancellationToken));
    public override Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken) => Up(() => Inner.ContainsBatch(market, batchId, cancellationToken));
    public override Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken) => Up(() => Inner.GetMarket(symbol, cancellationToken));
    public override Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) => Up(() => Inner.LatestSnapshot(market, cancellationToken));
    public override Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) => Up(() => Inner.SaveSnapshot(market, snapshot, cancellationToken));

    public override async IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Down) throw new IOException("injected: the database is unreachable");
        await foreach (var batch in Inner.ReadAfter(market, afterSequence, cancellationToken)) yield return batch;
    }
}
