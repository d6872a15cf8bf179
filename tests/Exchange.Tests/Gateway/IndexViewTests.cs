using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// An index as anyone reads it (price, status, volatility, policy, each feed, the markets that follow it), and the
/// index fields of the market views: the ticker, the market and Binance's premium index.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IndexViewTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private static readonly string[] Prices = ["64000", "64000.5", "64001"];

    [Fact]
    public async Task Three_agreeing_feeds_make_a_fresh_index_an_outlier_degrades_it_and_disabled_feeds_do_not_count()
    {
        var index = await Gateway.NewIndex(minFeeds: 2);
        var feeds = new[] { await Gateway.NewFeed(index, "sim-1"), await Gateway.NewFeed(index, "sim-2"), await Gateway.NewFeed(index, "sim-3") };
        var empty = await Gateway.Index(index);
        Assert.Equal(("stale", true), (empty.String("status"), empty.Json!["price"] is null));
        Assert.All(empty.Node("feeds").AsArray(), f => Assert.Equal("missing", f!["status"]!.GetValue<string>()));

        foreach (var (feed, price) in feeds.Zip(Prices))
            Assert.Equal(200, (await feed.Publish(price)).Status);
        var view = await IndexWhen(index, "fresh");
        Assert.Equal("64000.5", view.String("price")); // the median of three agreeing feeds
        Assert.Equal(index, view.String("index"));
        Assert.True(view.Long("asOf") > 0);
        Assert.True(view.Node("volatility")["sigmaPpm"]!.GetValue<long>() >= 0);
        Assert.Null(view.Node("volatility")["horizonSigmaPpm"]); // unknown until enough intervals passed
        Assert.Equal((2, 600_000L, 200), (view.Node("policy")["minFeeds"]!.GetValue<int>(), view.Node("policy")["staleAfterMs"]!.GetValue<long>(),
            view.Node("policy")["maxDeviationBps"]!.GetValue<int>()));
        Assert.NotNull(view.Node("policy")["volatility"]!["intervalMs"]);
        Assert.True(view.Node("simulated").GetValue<bool>());
        Assert.Equal(["sim-1", "sim-2", "sim-3"], view.Node("feeds").AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Assert.All(view.Node("feeds").AsArray(), f =>
        {
            Assert.Equal("fresh", f!["status"]!.GetValue<string>());
            Assert.True(f["ageMs"]!.GetValue<long>() >= 0);
        });

        // One feed far from the others: it is left out, two still agree, so the index holds but is degraded.
        Assert.Equal(200, (await feeds[2].Publish("70000")).Status);
        var degraded = await IndexWhen(index, "degraded");
        Assert.Equal("outlier", degraded.Node("feeds")[2]!["status"]!.GetValue<string>());
        Assert.Equal("64000.25", degraded.String("price"));

        // The operator disables it: a disabled feed counts neither way, and the two left agree.
        Assert.Equal(200, (await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/sim-3/disable")).Status);
        var fresh = await IndexWhen(index, "fresh");
        Assert.Equal("disabled", fresh.Node("feeds")[2]!["status"]!.GetValue<string>());

        // One more disabled: fewer than minFeeds agree, so the index is not trusted.
        Assert.Equal(200, (await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/sim-2/disable")).Status);
        await IndexWhen(index, "stale");
    }

    private Task<Api.Response> IndexWhen(string index, string status) => Polling.Eventually(async () =>
    {
        var v = await Gateway.Index(index);
        Assert.Equal(status, v.String("status"));
        return v;
    });

    [Fact]
    public async Task Reconfiguring_an_index_keeps_what_is_left_out_and_answers_the_view()
    {
        var index = await Gateway.NewIndex(minFeeds: 2);
        var changed = await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices", Api.Json(new
        {
            index, maxDeviationBps = 300, volatility = new { intervalMs = 30_000, lambdaPpm = 900_000, horizonIntervals = 120 },
        }));
        Assert.True(changed.Status == 200, changed.ToString());
        Assert.Equal(index, changed.String("index"));
        var policy = changed.Node("policy");
        Assert.Equal((2, 600_000L, 300), (policy["minFeeds"]!.GetValue<int>(), policy["staleAfterMs"]!.GetValue<long>(), policy["maxDeviationBps"]!.GetValue<int>()));
        Assert.Equal((30_000L, 900_000, 120), (policy["volatility"]!["intervalMs"]!.GetValue<long>(), policy["volatility"]!["lambdaPpm"]!.GetValue<int>(),
            policy["volatility"]!["horizonIntervals"]!.GetValue<int>()));
        Assert.False(changed.Node("simulated").GetValue<bool>());
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices", Api.Json(new { index, volatility = new { intervalMs = -1 } })),
            400, "INVALID_FIELD");
    }

    [Fact]
    public async Task A_market_without_an_index_shows_none_and_unscaled_margin()
    {
        var market = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}");
        Assert.Null(market.Json!["index"]);
        Assert.Null(market.Json!["indexPrice"]);
        Assert.Null(market.Json!["indexStatus"]);
        Assert.Equal((10_000, 10_000), (market.Node("marginMultiplier")["initialBps"]!.GetValue<int>(),
            market.Node("marginMultiplier")["maintenanceBps"]!.GetValue<int>()));
        var ticker = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/ticker");
        Assert.Null(ticker.Json!["indexPrice"]);
        Assert.Null(ticker.Json!["indexStatus"]);
        Assert.Equal("operator", ticker.String("modeSetBy"));
        Assert.Equal(10_000, ticker.Node("marginMultiplier")["initialBps"]!.GetValue<int>());
        Assert.Empty((await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/api/v1/indices")).Array);
    }

    [Fact]
    public async Task A_market_that_follows_an_index_is_listed_with_it_and_shows_its_ticks()
    {
        var index = await Gateway.NewIndex(minFeeds: 2);
        var first = await Gateway.NewFeed(index, "sim-1");
        var second = await Gateway.NewFeed(index, "sim-2");
        var symbol = $"IX{Guid.NewGuid():N}"[..8].ToUpperInvariant().Replace('0', 'Z') + "-PERP";
        var created = await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol, tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000",
            index = new { index, reopenAfterMs = 1000, auctionMs = 1000, mark = new { bandBps = 50, basisLambdaPpm = 900000 },
                scaling = new { sigmaMultipleBps = 30000, capBps = 50000, stepBps = 500, maxMaintenanceStepBps = 1000, intervalMs = 60000 } },
        }));
        Assert.True(created.Status == 201, created.ToString());
        Assert.Equal(index, created.String("index"));
        Assert.Equal("stale", created.String("indexStatus")); // no tick yet
        Assert.Null(created.Json!["indexPrice"]);

        var listed = await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/api/v1/indices");
        Assert.Equal([index], listed.Array.Select(v => v!["index"]!.GetValue<string>()));
        Assert.Equal([symbol], listed.Array[0]!["markets"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([symbol], (await Gateway.Index(index)).Node("markets").AsArray().Select(m => m!.GetValue<string>()));

        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol = "BADIX-PERP", tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000", index = new { index = "bad name" },
        })), 400, "INVALID_MARKET_SPEC");

        // The oracle sends its readings to the market, which journals them as index ticks: its views follow.
        var market = await Polling.Eventually(async () =>
        {
            Assert.Equal(200, (await first.Publish("64000.5")).Status);
            Assert.Equal(200, (await second.Publish("64000.5")).Status);
            var m = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}");
            Assert.Equal("64000.5", m.Json!["indexPrice"]?.GetValue<string>());
            return m;
        });
        Assert.Equal("fresh", market.String("indexStatus"));
        Assert.True(market.Node("marginMultiplier")["initialBps"]!.GetValue<int>() >= 10_000);
        var ticker = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/ticker");
        Assert.Equal(("64000.5", "fresh", index), (ticker.String("indexPrice"), ticker.String("indexStatus"), ticker.String("index")));
        var premium = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/fapi/v1/premiumIndex?symbol={symbol.Replace("-PERP", "USDT", StringComparison.Ordinal)}");
        Assert.True(premium.Status == 200, premium.ToString());
        Assert.Equal("64000.5", premium.String("indexPrice"));
        Assert.Equal("fresh", premium.String("indexStatus"));
    }
}
