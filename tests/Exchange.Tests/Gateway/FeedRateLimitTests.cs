using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>A feed that floods is refused 429 (its own bucket, per key); other feeds and traders are not held up.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FeedRateLimitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() =>
        // Two publications, then one an hour: nothing refills while the test runs, so the counts are exact.
        _gateway = await GatewayHarness.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:Feeds:Burst"] = "2",
            ["Gateway:RateLimits:Feeds:PerSecond"] = "1",
            ["Gateway:RateLimits:Feeds:Period"] = "01:00:00",
        });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_flooding_feed_gets_429_and_other_feeds_keep_publishing()
    {
        var index = await _gateway.NewIndex();
        var flood = await _gateway.NewFeed(index, "sim-1");
        var calm = await _gateway.NewFeed(index, "sim-2");
        Assert.Equal(200, (await flood.Publish("100")).Status);
        Assert.Equal(200, (await flood.Publish("101")).Status);
        var limited = await flood.Publish("102");
        Api.Problem(limited, 429, "RATE_LIMITED");
        Assert.True(limited.Message.Headers.RetryAfter?.Delta > TimeSpan.Zero, limited.ToString());

        // A batch counts once: the other feed sends 100 prices in one request.
        var t = calm.NextTimestamp();
        var batch = await calm.PublishRaw(Api.Json(new
        {
            prices = Enumerable.Range(0, 100).Select(i => new { index, price = (200 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp = t + i }),
        }));
        Assert.True(batch.Status == 200, batch.ToString());
        Assert.All(batch.Node("results").AsArray(), r => Assert.Equal("accepted", r!["status"]!.GetValue<string>()));

        var view = await _gateway.Index(index);
        Assert.Equal("101", view.Node("feeds")[0]!["price"]!.GetValue<string>()); // the refused one never reached the oracle
        Assert.Equal("299", view.Node("feeds")[1]!["price"]!.GetValue<string>());
    }
}
