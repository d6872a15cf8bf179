using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Markets;

/// <summary>
/// After a market comes back from a snapshot far into its journal, it knows every account's stream from the heads the
/// snapshot kept: an account idle since long before asks and reads nothing. From a snapshot written before the heads
/// were kept, an account the rebuilt heads do not know catches up by reading the old journal at most once, up to the
/// point the heads are complete from, and is then told it may move its cursor there; asking again reads nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IdleAccountCatchUpTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Every_account_is_known_again_from_the_snapshot_and_an_idle_one_reads_nothing()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReadCountingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        await using var cluster = await ExchangeCluster.StartAsync(database,
            configure: services => services.AddSingleton<IMarketJournal>(journal),
            options: o => (o.RecentEvents, o.SnapshotEveryEvents) = (50, 100));
        var symbol = NewSymbol("HEADS");
        var market = await cluster.CreateMarket(symbol);

        // Account 1 trades early on, the market halts and reopens, then account 2 keeps it busy for hundreds of events.
        await market.Execute(Limit(1, Side.Buy, 900, 1, "early"));
        await market.Execute(new CancelCommand(new CancelOrder(1, 0, "early")));
        var halted = await market.Execute(new SetModeCommand(MarketMode.Halted));
        var reopened = await market.Execute(new SetModeCommand(MarketMode.Open));
        for (var i = 0; i < 200; i++)
        {
            await market.Execute(Limit(2, Side.Buy, 900, 1, $"busy-{i}"));
            await market.Execute(new CancelCommand(new CancelOrder(2, 0, $"busy-{i}")));
        }
        await cluster.Cluster.DeactivateAsync(market);
        await market.GetStatus(); // back from its latest snapshot, with memory of only the last 50 events before it
        journal.BatchesRead = 0;

        var modeChanges = new[] { halted.Events.Single().Sequence, reopened.Events.Single().Sequence };
        var upToDate = await market.GetAccountEvents(1, modeChanges[1]);
        Assert.Empty(upToDate.Events);
        var missedTheModes = await market.GetAccountEvents(1, 2); // its own two events applied, the mode changes not
        Assert.Equal(modeChanges, missedTheModes.Events.Select(e => e.Sequence));
        var joining = await market.GetAccountEvents(3, 0);
        Assert.Equal(modeChanges, joining.Events.Select(e => e.Sequence));
        Assert.Equal(0, journal.BatchesRead); // all of it from the heads and market-wide events the snapshot kept

        // An account that lags behind its own events still gets them, from the journal.
        var lagging = await market.GetAccountEvents(1, 0);
        Assert.Equal([1L, 2L, .. modeChanges], lagging.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task After_a_snapshot_without_heads_an_unknown_account_reads_the_old_journal_once_and_never_again()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReadCountingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database))) { KeepAccountHeads = false };
        await using var cluster = await ExchangeCluster.StartAsync(database,
            configure: services => services.AddSingleton<IMarketJournal>(journal),
            options: o => (o.RecentEvents, o.SnapshotEveryEvents) = (50, 100));
        var symbol = NewSymbol("IDLE");
        var market = await cluster.CreateMarket(symbol);

        // Account 1 trades a little early on, then account 2 keeps the market busy for hundreds of events.
        await market.Execute(Limit(1, Side.Buy, 900, 1, "early"));
        await market.Execute(new CancelCommand(new CancelOrder(1, 0, "early")));
        for (var i = 0; i < 200; i++)
        {
            await market.Execute(Limit(2, Side.Buy, 900, 1, $"busy-{i}"));
            await market.Execute(new CancelCommand(new CancelOrder(2, 0, $"busy-{i}")));
        }
        await cluster.Cluster.DeactivateAsync(market);
        await market.GetStatus(); // back from its latest snapshot: heads complete only from 50 events before it
        journal.BatchesRead = 0;

        var first = await market.GetAccountEvents(1, 2); // account 1 has applied its two events
        Assert.Empty(first.Events);
        Assert.InRange(first.CompleteThrough, 300, 402); // where the heads are complete from, or the journal's end
        Assert.True(journal.BatchesRead > 0);

        journal.BatchesRead = 0;
        var again = await market.GetAccountEvents(1, first.CompleteThrough);
        Assert.Empty(again.Events);
        Assert.Equal(0, journal.BatchesRead); // the reconciliation that follows costs nothing

        // A lagging unknown account still gets what it missed before that point.
        var lagging = await market.GetAccountEvents(1, 0);
        Assert.Equal([1L, 2L], lagging.Events.Select(e => e.Sequence));
        Assert.Equal(first.CompleteThrough, lagging.CompleteThrough);
    }

    [Fact]
    public async Task A_new_account_gets_the_market_wide_events_from_memory_however_long_the_journal()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReadCountingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        await using var cluster = await ExchangeCluster.StartAsync(database,
            configure: services => services.AddSingleton<IMarketJournal>(journal), options: o => o.RecentEvents = 50);
        var symbol = NewSymbol("NEW");
        var market = await cluster.CreateMarket(symbol);

        // Two market-wide events early on, then hundreds of events of one account: far more than memory keeps.
        var halted = await market.Execute(new SetModeCommand(MarketMode.Halted));
        var reopened = await market.Execute(new SetModeCommand(MarketMode.Open));
        for (var i = 0; i < 200; i++)
        {
            await market.Execute(Limit(2, Side.Buy, 900, 1, $"busy-{i}"));
            await market.Execute(new CancelCommand(new CancelOrder(2, 0, $"busy-{i}")));
        }
        journal.BatchesRead = 0;

        // Account 3 joins: its stream so far is the two mode changes, and nothing of it needs the journal.
        var joined = await market.GetAccountEvents(3, 0);
        Assert.Equal([halted.Events.Single().Sequence, reopened.Events.Single().Sequence], joined.Events.Select(e => e.Sequence));
        Assert.All(joined.Events, e => Assert.Equal(EventKind.ModeChanged, e.Kind));
        Assert.Equal(0, journal.BatchesRead);
    }
}
