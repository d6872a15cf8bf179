using System.Text.RegularExpressions;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// What a feed may publish: decimal strings, timestamps that move forward and are not ahead of the clock, for its own
/// index, while enabled. Every refusal has its code and changes nothing; a batch is judged price by price.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class FeedPriceTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private static long RealNow => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static string? FeedPrice(Api.Response view, int feed = 0) => view.Node("feeds")[feed]!["price"]?.GetValue<string>();

    [Fact]
    public async Task Bad_prices_are_refused_with_INVALID_PRICE_and_change_nothing()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        foreach (var price in new[] { "-1", "0", "0.00000000", "1.123456789", "1e5", "1E5", "", " 1", "1 ", "+1", "1,5", "0x10", "1..2",
                     "NaN", "Infinity", "99999999999999999999999999", "123456789012345678901234567890.5" })
            Api.Problem(await feed.Publish(price), 400, "INVALID_PRICE");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = 64000, timestamp = feed.NextTimestamp() })), 400, "INVALID_PRICE");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = (string?)null, timestamp = feed.NextTimestamp() })), 400, "INVALID_PRICE");

        var view = await Gateway.Index(index);
        Assert.Null(FeedPrice(view));
        Assert.Equal(0, view.Node("feeds")[0]!["accepted"]!.GetValue<long>());

        var accepted = await feed.Publish("64000.12345678");
        Assert.True(accepted.Status == 200, accepted.ToString());
        Assert.Equal("64000.12345678", FeedPrice(await Gateway.Index(index)));
    }

    [Fact]
    public async Task Timestamps_must_move_forward_and_not_run_ahead_of_the_clock()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        Api.Problem(await feed.Publish("100", RealNow + 3_600_000), 400, "TIMESTAMP_IN_FUTURE");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = "100", timestamp = "yesterday" })), 400, "INVALID_TIMESTAMP");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = "100", timestamp = 0 })), 400, "INVALID_TIMESTAMP");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = "100", timestamp = -5 })), 400, "INVALID_TIMESTAMP");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = "100" })), 400, "MISSING_FIELD");

        var at = feed.NextTimestamp();
        Assert.Equal(200, (await feed.Publish("100", at)).Status);
        Api.Problem(await feed.Publish("101", at), 400, "TIMESTAMP_NOT_AFTER_LAST");
        Api.Problem(await feed.Publish("101", at - 1), 400, "TIMESTAMP_NOT_AFTER_LAST");
        Assert.Equal("100", FeedPrice(await Gateway.Index(index)));
        Assert.Equal(200, (await feed.Publish("102", at + 1)).Status);
        Assert.Equal("102", FeedPrice(await Gateway.Index(index)));
    }

    [Fact]
    public async Task A_feed_publishes_for_its_own_index_only()
    {
        var mine = await Gateway.NewIndex();
        var other = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(mine, "sim-1");
        var otherFeed = await Gateway.NewFeed(other, "sim-1");
        Api.Problem(await feed.Publish("100", index: other), 400, "WRONG_INDEX");
        Api.Problem(await feed.Publish("100", index: "NOT-AN-INDEX"), 400, "WRONG_INDEX");
        Api.Problem(await feed.Publish("100", index: "lower-case"), 400, "WRONG_INDEX");
        Assert.Null(FeedPrice(await Gateway.Index(other)));
        Assert.Equal(200, (await otherFeed.Publish("200")).Status);
        Assert.Equal("200", FeedPrice(await Gateway.Index(other)));
        Assert.Null(FeedPrice(await Gateway.Index(mine)));
    }

    [Fact]
    public async Task A_batch_is_answered_price_by_price_in_order()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        var t = feed.NextTimestamp();
        var answer = await feed.PublishRaw(Api.Json(new
        {
            prices = new object[]
            {
                new { index, price = "100", timestamp = t },
                new { index, price = "1e2", timestamp = t + 1 },
                new { index, price = "101", timestamp = t },         // not after the first
                new { index = "ELSEWHERE", price = "1", timestamp = t + 2 },
                new { index, price = "102.5", timestamp = t + 3 },
            },
        }));
        Assert.True(answer.Status == 200, answer.ToString());
        var results = answer.Node("results").AsArray();
        Assert.Equal(["accepted", "refused", "refused", "refused", "accepted"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal([null, "INVALID_PRICE", "TIMESTAMP_NOT_AFTER_LAST", "WRONG_INDEX", null], results.Select(r => r!["code"]?.GetValue<string>()));
        Assert.All(results.Where(r => r!["code"] is not null), r => Assert.False(string.IsNullOrEmpty(r!["message"]!.GetValue<string>())));
        Assert.Null(results[0]!["code"]); // an accepted price carries no code at all
        var view = await Gateway.Index(index);
        Assert.Equal("102.5", FeedPrice(view));
        Assert.Equal(2, view.Node("feeds")[0]!["accepted"]!.GetValue<long>());

        var tooMany = Enumerable.Range(1, 101).Select(i => new { index, price = "1", timestamp = t + 10 + i }).ToArray();
        Api.Problem(await feed.PublishRaw(Api.Json(new { prices = tooMany })), 400, "INVALID_FIELD");
        Api.Problem(await feed.PublishRaw(Api.Json(new { prices = Array.Empty<object>() })), 400, "INVALID_FIELD");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = "1", timestamp = t + 9, prices = new[] { new { index, price = "1", timestamp = t + 8 } } })),
            400, "INVALID_JSON");
        Api.Problem(await feed.PublishRaw(Api.Json(new { index, price = "1", timestamp = t + 9, venue = "x" })), 400, "UNKNOWN_FIELD");
        Api.Problem(await feed.PublishRaw(Api.Json(new { prices = new[] { new { index, price = "1", timestamp = t + 9, venue = "x" } } })), 400, "UNKNOWN_FIELD");
        Api.Problem(await feed.PublishRaw("[1,2]"), 400, "INVALID_JSON");
        Api.Problem(await feed.PublishRaw("{\"index\":"), 400, "INVALID_JSON");
        Assert.Equal(2, (await Gateway.Index(index)).Node("feeds")[0]!["accepted"]!.GetValue<long>()); // none of those reached the oracle
    }

    [Fact]
    public async Task A_disabled_feed_is_refused_until_enabled_again()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        Assert.Equal(200, (await feed.Publish("100")).Status);

        var disabled = await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/sim-1/disable");
        Assert.True(disabled.Status == 200, disabled.ToString());
        Assert.False(disabled.Node("enabled").GetValue<bool>());
        Api.Problem(await feed.Publish("101"), 400, "FEED_DISABLED");
        var view = await Gateway.Index(index);
        Assert.Equal("disabled", view.Node("feeds")[0]!["status"]!.GetValue<string>());

        Assert.Equal(200, (await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/sim-1/enable")).Status);
        Assert.Equal(200, (await feed.Publish("102")).Status);
        Assert.Equal("102", FeedPrice(await Gateway.Index(index)));

        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/nobody/disable"), 404, "FEED_NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_indices_and_bad_policies_have_codes()
    {
        Api.Problem(await Gateway.Index("NO-SUCH-INDEX"), 404, "UNKNOWN_INDEX");
        Api.Problem(await Gateway.Index("lower"), 404, "UNKNOWN_INDEX");
        Api.Problem(await Gateway.Index(new string('A', 200)), 404, "UNKNOWN_INDEX");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices/NO-SUCH-INDEX/feeds", Api.Json(new { name = "sim-1" })),
            404, "UNKNOWN_INDEX");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices/NO-SUCH-INDEX/feeds/sim-1/disable"), 404, "UNKNOWN_INDEX");

        var market = await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol = "ORPHAN-PERP", tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000",
            index = new { index = "NO-SUCH-INDEX" },
        }));
        Api.Problem(market, 400, "UNKNOWN_INDEX");
        Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/api/v1/markets/ORPHAN-PERP"), 404, "UNKNOWN_MARKET");

        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices", Api.Json(new { index = "bad name" })), 400, "INVALID_FIELD");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices", Api.Json(new { index = IndexHarness.NewName(), minFeeds = 0 })),
            400, "INVALID_INDEX_POLICY");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices", Api.Json(new { index = IndexHarness.NewName(), minFeeds = -1 })),
            400, "INVALID_FIELD");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/indices", Api.Json(new { index = IndexHarness.NewName(), minFeeds = "2" })),
            400, "INVALID_FIELD");
        var index = await Gateway.NewIndex();
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds", Api.Json(new { name = "has space" })),
            400, "INVALID_FIELD");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds", Api.Json(new { name = "a.b" })),
            400, "INVALID_FIELD");
        Assert.Empty((await Gateway.Index(index)).Node("feeds").AsArray());
    }

    [Fact]
    public async Task Hostile_bodies_get_a_4xx_with_a_code_and_only_valid_prices_are_taken()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        var random = new Random(20261206);
        string[] prices = ["1", "0.5", "-1", "0", "1e3", "", " ", "１２", "1.000000001", "NaN", "9999999999999999999999", "0.00000001", "12.", ".5", "1.2.3"];
        string[] values = ["null", "true", "[]", "{}", "1.5", "-0", "\"x\"", "1e400", "\"\\u0000\""];
        var accepted = 0L;
        for (var i = 0; i < 300; i++)
        {
            var body = (i % 6) switch
            {
                0 => Api.Json(new { index, price = prices[random.Next(prices.Length)], timestamp = feed.NextTimestamp() }),
                1 => $$"""{"index":"{{index}}","price":{{values[random.Next(values.Length)]}},"timestamp":{{feed.NextTimestamp()}}}""",
                2 => $$"""{"index":{{values[random.Next(values.Length)]}},"price":"1","timestamp":{{values[random.Next(values.Length)]}}}""",
                3 => Api.Json(new { prices = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new { index, price = prices[random.Next(prices.Length)], timestamp = feed.NextTimestamp() }) }),
                4 => $$"""{"prices":{{values[random.Next(values.Length)]}}}""",
                _ => new string((char)random.Next(32, 127), random.Next(0, 20)),
            };
            var answer = await feed.PublishRaw(body);
            Assert.True(answer.Status is 200 or 400, $"{body} -> {answer}");
            if (answer.Status == 400) Assert.False(string.IsNullOrEmpty(answer.Code), $"{body} -> {answer}");
            else accepted += answer.Node("results").AsArray().Count(r => r!["status"]!.GetValue<string>() == "accepted");
        }
        Assert.True(accepted > 0);
        Assert.Equal(accepted, (await Gateway.Index(index)).Node("feeds")[0]!["accepted"]!.GetValue<long>());
    }

    [Fact]
    public async Task Prices_and_the_indices_feeds_are_counted_in_the_metrics()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        Assert.Equal(200, (await feed.Publish("100")).Status);
        Api.Problem(await feed.Publish("-1"), 400, "INVALID_PRICE");
        Assert.Equal(200, (await Gateway.Index(index)).Status);

        var metrics = await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/metrics");
        Assert.Equal(200, metrics.Status);
        var label = $"index=\"{index}\"";
        Assert.True(Sample(metrics.Body, "exchange_gateway_feed_prices_accepted_total", label) >= 1, metrics.Body);
        Assert.True(Sample(metrics.Body, "exchange_gateway_feed_prices_refused_total", "code=\"INVALID_PRICE\"") >= 1, metrics.Body);
        Assert.True(Sample(metrics.Body, "exchange_gateway_index_status", label) >= 0, metrics.Body);
        Assert.True(Sample(metrics.Body, "exchange_gateway_index_feed_age_milliseconds", "feed=\"sim-1\"") >= 0, metrics.Body);
        Assert.Equal(0, Sample(metrics.Body, "exchange_gateway_index_feed_status", label)); // 0: fresh
    }

    private static double Sample(string text, string metric, string label)
    {
        foreach (Match m in SampleLine().Matches(text))
            if (m.Groups["name"].Value == metric && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
                return double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return -1;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
