using Exchange.Oracles;
using Exchange.Pricing;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Oracles;

/// <summary>
/// The oracle's record through Orleans' ADO.NET grain storage on the project's own schema (migration 0006): a
/// whole cluster stops, a new one starts on the same database, and the index comes back with its policy, feeds and
/// followers, and without prices.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OraclePersistenceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Policy_feeds_and_followers_survive_a_cluster_restart()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var policy = new IndexPolicy(3, 4_000, 150);
        var volatility = new VolatilityPolicy(2_000, 900_000, 30);
        const string serviceId = "oracle-persistence";

        await using (var first = await ExchangeCluster.StartAsync(database, silos: 1, serviceId: serviceId))
        {
            var oracle = first.Client.GetGrain<IOracleGrain>("ETH-USD");
            await oracle.Configure(policy, volatility);
            var a = await oracle.AddFeed("venue-a");
            await oracle.AddFeed("venue_b");
            await oracle.SetFeedEnabled(a, false);
            await oracle.Follow("ETH-PERP");
            Assert.Equal(PublishResult.Accepted, (await oracle.Publish("ETH-USD.venue_b",
                [new FeedPrice(300_000_000_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())])).Single());
        }
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database, "select count(*) from OrleansStorage where PayloadBinary is not null"));

        await using var second = await ExchangeCluster.StartAsync(database, silos: 1, serviceId: serviceId);
        var view = (await second.Client.GetGrain<IOracleGrain>("ETH-USD").GetIndex())!;
        Assert.Equal((policy, volatility), (view.Policy, view.Volatility));
        Assert.Equal([("ETH-USD.venue-a", "venue-a", false), ("ETH-USD.venue_b", "venue_b", true)],
            view.Feeds.Select(f => (f.FeedId, f.Name, f.Enabled)));
        Assert.Equal(["ETH-PERP"], view.Markets);
        Assert.Equal((0, IndexStatus.Stale), (view.Price, view.Status));
        Assert.Equal([FeedStatus.Disabled, FeedStatus.Missing], view.Feeds.Select(f => f.Status));
    }
}
