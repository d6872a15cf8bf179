using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Npgsql;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Markets;

/// <summary>
/// The PostgreSQL journal reads the batches after a sequence in pages (so a reader that stops early costs what it read):
/// from any starting point, across page boundaries, the batches come back complete, in order, from the one holding the
/// first sequence wanted, and a reader that stops early gets what it read.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JournalPagedReadTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Reads_after_any_sequence_return_every_later_batch_in_order_across_pages()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var cluster = await ExchangeCluster.StartAsync(database);
        var symbol = NewSymbol("PAGED");
        var market = await cluster.CreateMarket(symbol);
        // 400 commands one at a time: one batch each, more than the first three pages (16, 64, 256) hold.
        var sequences = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            sequences.AddRange((await market.Execute(Limit(1, Side.Buy, 900, 1, $"o-{i}"))).Events.Select(e => e.Sequence));
            sequences.AddRange((await market.Execute(new CancelCommand(new CancelOrder(1, 0, $"o-{i}")))).Events.Select(e => e.Sequence));
        }
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), sequences);

        var journal = new PostgresMarketJournal(NpgsqlDataSource.Create(database));
        foreach (var after in new long[] { 0, 1, 15, 16, 17, 79, 80, 81, 335, 336, 399, 400 })
        {
            var batches = await Read(journal, symbol, after, int.MaxValue);
            var events = batches.SelectMany(b => b.Entries).SelectMany(e => e.Events).Select(e => e.Sequence).ToList();
            Assert.Equal(sequences.Where(s => s > after), events.Where(s => s > after));
            if (batches.Count == 0) continue;
            Assert.InRange(after + 1, batches[0].FirstSequence, batches[0].LastSequence);
            Assert.All(batches.Zip(batches.Skip(1)), pair => Assert.Equal(pair.First.LastSequence + 1, pair.Second.FirstSequence));
        }

        var early = await Read(journal, symbol, 10, 30); // stops within the second page
        Assert.Equal(Enumerable.Range(11, 30).Select(i => (long)i), early.Select(b => b.FirstSequence));
    }

    private static async Task<List<JournalBatch>> Read(IMarketJournal journal, string symbol, long after, int atMost)
    {
        var batches = new List<JournalBatch>();
        await foreach (var batch in journal.ReadAfter(symbol, after, CancellationToken.None))
        {
            batches.Add(batch);
            if (batches.Count == atMost) break;
        }
        return batches;
    }
}
