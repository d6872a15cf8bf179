using Exchange.PriceFeeds;
using Exchange.Pricing;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The feed tool's library (what the local run's simulated feeds use) against the real gateway: it configures the
/// index, registers feeds, finds its kept keys when they exist, publishes singles and batches, and reads refusals.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FeedToolInteropTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres), IDisposable
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"feed-keys-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_keyFile);

    [Fact]
    public async Task The_feed_tool_registers_once_keeps_its_keys_and_publishes()
    {
        var index = IndexHarness.NewName();
        var admin = new FeedAdmin(Gateway.Anonymous, GatewayHarness.AdminToken);
        var policy = new IndexPolicyTerms(2, 600_000, 200);
        var feeds = await admin.EnsureFeedsAsync(index, policy, ["sim-1", "sim-2"], _keyFile, CancellationToken.None);
        Assert.Equal([$"{index}.sim-1", $"{index}.sim-2"], feeds.Select(f => f.FeedId));

        // A restart: the names are taken (409 FEED_EXISTS), and the tool uses the keys it kept.
        var again = await admin.EnsureFeedsAsync(index, policy, ["sim-1", "sim-2"], _keyFile, CancellationToken.None);
        Assert.Equal(feeds.Select(f => f.ApiKey), again.Select(f => f.ApiKey));

        var first = new FeedPublisher(Gateway.Anonymous, again[0], Gateway.Clock);
        var second = new FeedPublisher(Gateway.Anonymous, again[1], Gateway.Clock);
        Assert.True(IndexPrices.TryParse("64000.5", out var price));
        Assert.True((await first.PublishAsync(price, CancellationToken.None)).Accepted);
        var t = second.NextTimestamp();
        var batch = await second.PublishAsync([new PricePoint(t, price), new PricePoint(t, price), new PricePoint(t + 1, price + 1)], CancellationToken.None);
        Assert.Equal([true, false, true], batch.Select(r => r.Accepted));
        Assert.Equal("TIMESTAMP_NOT_AFTER_LAST", batch[1].Code);
        var refused = await first.PublishAsync([new PricePoint(1, price)], CancellationToken.None);
        Assert.Equal("TIMESTAMP_NOT_AFTER_LAST", refused[0].Code);

        var view = await Polling.Eventually(async () =>
        {
            var v = await Gateway.Index(index);
            Assert.Equal("fresh", v.String("status"));
            return v;
        });
        Assert.Equal(["64000.5", "64000.50000001"], view.Node("feeds").AsArray().Select(f => f!["price"]!.GetValue<string>()));
    }
}
