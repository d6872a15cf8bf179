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
/// An order whose events the market's memory no longer holds is still described: its own events are read from the
/// journal, from the batch that accepted it (found through the journal's order index) to its end or to what memory
/// holds, and only for the account that placed it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderArchiveTests(PostgresFixture postgres)
{
    private const int Memory = 50;

    [Fact]
    public async Task A_closed_order_long_out_of_memory_is_read_from_the_journal_with_its_fills()
    {
        var (cluster, journal, market) = await Start("ARCH");
        await using var _ = cluster;

        var accepted = await market.Execute(Limit(1, Side.Sell, 1000, 3, "old-maker"));
        var orderId = AcceptedId(accepted);
        var firstFill = await market.Execute(Limit(3, Side.Buy, 1000, 1));
        await KeepBusy(market, "before");
        var lastFill = await market.Execute(Limit(4, Side.Buy, 1000, 5));
        await KeepBusy(market, "after");

        journal.OrderBatchesRead = 0;
        var events = await market.GetOrderEvents(1, orderId);

        Assert.Equal([EventKind.OrderAccepted, EventKind.TradeExecuted, EventKind.TradeExecuted], events.Select(e => e.Kind));
        Assert.Equal(3, events[0].Size);
        Assert.Equal([1L, 2L], events.Skip(1).Select(e => e.Size));
        Assert.Equal(0, events[2].MakerRemaining);
        Assert.Equal(
            [accepted.Events[0].Sequence, Trade(firstFill).Sequence, Trade(lastFill).Sequence],
            events.Select(e => e.Sequence));
        // The acceptance and the two fills, and of the 200 busy batches between only the few whose order filter happens to
        // match (the server skips the rest); none of the 200 after the last fill.
        Assert.InRange(journal.OrderBatchesRead, 3, 20);
    }

    [Fact]
    public async Task An_open_order_partly_filled_long_ago_joins_its_journal_events_to_those_in_memory()
    {
        var (cluster, _, market) = await Start("ARCHOPEN");
        await using var __ = cluster;

        var accepted = await market.Execute(Limit(1, Side.Sell, 1000, 10, "resting"));
        var orderId = AcceptedId(accepted);
        var oldFill = await market.Execute(Limit(3, Side.Buy, 1000, 2));
        await KeepBusy(market, "between");
        var recentFill = await market.Execute(Limit(4, Side.Buy, 1000, 3));

        var events = await market.GetOrderEvents(1, orderId);

        Assert.Equal([accepted.Events[0].Sequence, Trade(oldFill).Sequence, Trade(recentFill).Sequence], events.Select(e => e.Sequence));
        Assert.Equal(5, events[^1].MakerRemaining);
    }

    [Fact]
    public async Task The_journal_describes_the_order_after_a_restart_and_never_to_another_account()
    {
        var (cluster, _, market) = await Start("ARCHRST");
        await using var _ = cluster;

        var accepted = await market.Execute(Limit(1, Side.Buy, 900, 2, "cancelled-early"));
        var orderId = AcceptedId(accepted);
        await market.Execute(new CancelCommand(new CancelOrder(1, orderId, null)));
        await KeepBusy(market, "busy");
        await cluster.Cluster.DeactivateAsync(market);

        var events = await market.GetOrderEvents(1, orderId);
        Assert.Equal([EventKind.OrderAccepted, EventKind.OrderCancelled], events.Select(e => e.Kind));
        Assert.Equal(CancelReason.Requested, events[1].CancelReason);

        Assert.Empty(await market.GetOrderEvents(2, orderId));
        Assert.Empty(await market.GetOrderEvents(1, 1_000_000));
    }

    [Fact]
    public async Task An_order_memory_still_holds_costs_no_journal_read()
    {
        var (cluster, journal, market) = await Start("ARCHMEM");
        await using var _ = cluster;

        var accepted = await market.Execute(Limit(1, Side.Buy, 900, 2));
        var orderId = AcceptedId(accepted);
        journal.OrderBatchesRead = 0;

        Assert.Equal([EventKind.OrderAccepted], (await market.GetOrderEvents(1, orderId)).Select(e => e.Kind));
        Assert.Equal(0, journal.OrderBatchesRead);
    }

    private async Task<(ExchangeCluster, ReadCountingJournal, IMarketGrain)> Start(string name)
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReadCountingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        var cluster = await ExchangeCluster.StartAsync(database,
            configure: services => services.AddSingleton<IMarketJournal>(journal), options: o => o.RecentEvents = Memory);
        return (cluster, journal, await cluster.CreateMarket(NewSymbol(name)));
    }

    // Hundreds of events of account 2, one batch each: far more than memory holds.
    private static async Task KeepBusy(IMarketGrain market, string prefix)
    {
        for (var i = 0; i < 100; i++)
        {
            await market.Execute(Limit(2, Side.Buy, 800, 1, $"{prefix}-{i}"));
            await market.Execute(new CancelCommand(new CancelOrder(2, 0, $"{prefix}-{i}")));
        }
    }

    private static long AcceptedId(CommandOutcome outcome) => outcome.Events.Single(e => e.Kind == EventKind.OrderAccepted).OrderId;

    private static MarketEvent Trade(CommandOutcome outcome) => outcome.Events.Single(e => e.Kind == EventKind.TradeExecuted);
}
