using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Markets;

/// <summary>The market grain on a two-silo cluster over a real PostgreSQL journal: the happy paths and durability.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketGrainTests(PostgresFixture postgres) : IAsyncLifetime
{
    private ExchangeCluster _cluster = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        _cluster = await ExchangeCluster.StartAsync(_database);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Markets_are_created_once_and_listed()
    {
        var symbol = NewSymbol();
        Assert.Equal(CreateMarketResult.Created, await _cluster.Registry.CreateMarket(Spec(symbol)));
        Assert.Equal(CreateMarketResult.AlreadyExists, await _cluster.Registry.CreateMarket(Spec(symbol)));
        Assert.Equal(CreateMarketResult.InvalidSpec, await _cluster.Registry.CreateMarket(Spec(NewSymbol()) with { MinPrice = 0 }));
        Assert.Contains(await _cluster.Registry.ListMarkets(), s => s.Symbol == symbol);
        Assert.Equal(Spec(symbol), await _cluster.Market(symbol).GetSpec());
    }

    [Fact]
    public async Task An_unknown_market_fails_commands_without_changing_anything()
    {
        var outcome = await _cluster.Market("NOPE-PERP").Execute(Limit(1, Side.Buy, 100, 1));
        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Empty(outcome.Events);
    }

    [Fact]
    public async Task An_acknowledged_order_matches_and_is_visible_in_the_book()
    {
        var market = await _cluster.CreateMarket(NewSymbol());
        var sellId = (await market.Execute(Limit(1, Side.Sell, 1000, 5))).AcceptedOrderId();
        var buy = await market.Execute(Limit(2, Side.Buy, 1000, 2));

        var trade = Assert.Single(buy.Events, e => e.Kind == EventKind.TradeExecuted);
        Assert.Equal((sellId, 1000L, 2L), (trade.MakerOrderId, trade.Price, trade.Size));
        var book = await market.GetBook(10);
        Assert.Equal([new PriceLevel(1000, 3, 1)], book.Asks);
        Assert.Empty(book.Bids);
        Assert.Equal(buy.Events[^1].Sequence, book.Sequence);
    }

    [Fact]
    public async Task A_rejection_is_committed_with_no_events_written()
    {
        var market = await _cluster.CreateMarket(NewSymbol());
        var before = await market.GetStatus();
        var outcome = await market.Execute(Limit(1, Side.Buy, 0, 1));
        Assert.Equal(CommandStatus.Committed, outcome.Status);
        Assert.Equal(RejectReason.InvalidPrice, outcome.Rejection);
        Assert.Equal(before, await market.GetStatus());
    }

    [Fact]
    public async Task Acknowledged_orders_survive_deactivation_with_the_same_state_hash()
    {
        var market = await _cluster.CreateMarket(NewSymbol());
        for (var i = 0; i < 20; i++)
            await market.Execute(Limit(1 + i % 3, i % 2 == 0 ? Side.Buy : Side.Sell, 1000 + (i % 2 == 0 ? -i : i), 1 + i, $"c{i}"));
        var before = await market.GetStatus();

        await _cluster.Cluster.DeactivateAsync(market);

        Assert.Equal(before, await market.GetStatus());
        Assert.Equal(OrderState.Open, (await market.GetOrderByClientId(1, "c0")).State);
    }

    [Fact]
    public async Task Acknowledged_orders_survive_killing_the_silo_that_hosts_the_market()
    {
        var market = await _cluster.CreateMarket(NewSymbol());
        var ids = new List<long>();
        for (var i = 0; i < 10; i++) ids.Add((await market.Execute(Limit(1, Side.Buy, 900 + i, 1 + i, $"k{i}"))).AcceptedOrderId());
        var before = await market.GetStatus();

        await _cluster.Cluster.KillSiloAsync(await _cluster.SiloHosting(market));

        Assert.Equal(before, await market.GetStatus());
        foreach (var id in ids) Assert.Equal(OrderState.Open, (await market.GetOrder(id)).State);
    }

    [Fact]
    public async Task Concurrent_commands_share_journal_writes()
    {
        var symbol = NewSymbol();
        var market = await _cluster.CreateMarket(symbol);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 256)
            .Select(i => market.Execute(Limit(1 + i, i % 2 == 0 ? Side.Buy : Side.Sell, i % 2 == 0 ? 900 : 1100, 1))));

        Assert.All(outcomes, o => Assert.Equal(CommandStatus.Committed, o.Status));
        var batches = await Sql.ScalarAsync<long>(_database, $"select count(*) from market_journal where market = '{symbol}'");
        Assert.InRange(batches, 1, 128);
    }
}
