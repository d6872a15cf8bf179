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
    public async Task A_maker_order_resting_across_batches_of_many_orders_is_read_in_few_batches()
    {
        var (cluster, journal, market) = await Start("ARCHWIDE");
        await using var _ = cluster;

        var accepted = await market.Execute(Limit(1, Side.Sell, 1000, 5, "wide-maker"));
        var orderId = AcceptedId(accepted);
        // 60 rounds of 20 orders placed while the 20 of the round before are cancelled, all at once: the market commits
        // them in batches of dozens of orders (a 64-bit filter is full at that size and passes most lookups).
        var previous = Array.Empty<string>();
        for (var round = 0; round < 60; round++)
        {
            var placing = Enumerable.Range(0, 20).Select(i => $"r{round}-{i}").ToArray();
            await Task.WhenAll(placing.Select((id, i) => market.Execute(Limit(10 + i, Side.Buy, 800, 1, id)))
                .Concat(previous.Select((id, i) => market.Execute(new CancelCommand(new CancelOrder(10 + i, 0, id))))));
            previous = placing;
        }
        var fill = await market.Execute(Limit(3, Side.Buy, 1000, 5));
        await KeepBusy(market, "after");

        journal.OrderBatchesRead = 0;
        var events = await market.GetOrderEvents(1, orderId);

        Assert.Equal([accepted.Events[0].Sequence, Trade(fill).Sequence], events.Select(e => e.Sequence));
        // The acceptance and the fill, and of the dozens of wide batches between only the few whose filter matches by chance.
        Assert.InRange(journal.OrderBatchesRead, 2, 8);
    }

    [Fact]
    public async Task Rows_written_before_the_sized_filter_are_still_filtered_by_their_64_bit_one()
    {
        var (cluster, journal, market) = await Start("ARCHOLD");
        await using var _ = cluster;
        var accepted = await market.Execute(Limit(1, Side.Sell, 1000, 3, "old-row-maker"));
        var orderId = AcceptedId(accepted);
        await KeepBusy(market, "before");
        var fill = await market.Execute(Limit(3, Side.Buy, 1000, 3));
        await KeepBusy(market, "after");

        // As migration 0012 found them: no sized filter, and a 64-bit one that holds this order only in the two rows of
        // its events (every other row's filter is empty, so a lookup that ignored the old filter would read them all).
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync();
            await using var rewrite = new NpgsqlCommand("""
                update market_journal set order_filter = null,
                    order_bloom = case when (first_sequence <= $1 and last_sequence >= $1) or (first_sequence <= $2 and last_sequence >= $2)
                                       then $3 else 0 end
                """, connection);
            rewrite.Parameters.Add(new() { Value = accepted.Events[0].Sequence });
            rewrite.Parameters.Add(new() { Value = Trade(fill).Sequence });
            rewrite.Parameters.Add(new() { Value = BatchOrders.LegacyBits(orderId) });
            Assert.True(await rewrite.ExecuteNonQueryAsync() > 400);
        }
        journal.OrderBatchesRead = 0;

        var events = await market.GetOrderEvents(1, orderId);

        Assert.Equal([accepted.Events[0].Sequence, Trade(fill).Sequence], events.Select(e => e.Sequence));
        Assert.Equal(2, journal.OrderBatchesRead);
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

    private string _database = "";

    private async Task<(ExchangeCluster, ReadCountingJournal, IMarketGrain)> Start(string name)
    {
        var database = _database = await postgres.CreateDatabaseAsync(applyMigrations: true);
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
