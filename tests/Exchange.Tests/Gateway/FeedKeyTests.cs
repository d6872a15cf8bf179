using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Client.Security;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// A feed's key signs like an account's (window, replay guard, revocation), publishes its own index's prices and
/// nothing else, and an account's key cannot publish. The admin endpoints for indices need the admin token.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FeedKeyTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private long Now => Gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static string PriceBody(string index, string price, long timestamp) =>
        Api.Json(new { index, price, timestamp });

    [Fact]
    public async Task Feed_requests_are_signed_checked_in_the_window_and_accepted_once()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        var body = PriceBody(index, "64000.5", feed.NextTimestamp());

        Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Post, "/api/v1/feeds/prices", body), 401, "UNAUTHORIZED");
        var forger = new Trader(feed.Key.Http, Gateway.Clock, 0, feed.Key.ApiKey, feed.Key.Secret + "x");
        Api.Problem(await forger.Send(HttpMethod.Post, "/api/v1/feeds/prices", body), 401, "INVALID_SIGNATURE");
        Api.Problem(await feed.Key.Send(feed.Key.Sign(HttpMethod.Post, "/api/v1/feeds/prices", body, timestamp: Now - 60_000)),
            401, "TIMESTAMP_OUT_OF_WINDOW");
        var tampered = feed.Key.Sign(HttpMethod.Post, "/api/v1/feeds/prices", body);
        tampered.Content = new StringContent(body.Replace("64000.5", "1", StringComparison.Ordinal), Encoding.UTF8, "application/json");
        Api.Problem(await feed.Key.Send(tampered), 401, "INVALID_SIGNATURE");
        Assert.Null((await Gateway.Index(index)).Json!["price"]); // nothing got through

        var at = Now + 10;
        var first = await feed.Key.Send(feed.Key.Sign(HttpMethod.Post, "/api/v1/feeds/prices", body, timestamp: at));
        Assert.True(first.Status == 200, first.ToString());
        Assert.Equal("accepted", first.Node("results")[0]!["status"]!.GetValue<string>());
        Api.Problem(await feed.Key.Send(feed.Key.Sign(HttpMethod.Post, "/api/v1/feeds/prices", body, timestamp: at)), 401, "REPLAYED_REQUEST");

        var view = await Gateway.Index(index);
        Assert.Equal("64000.5", view.Node("feeds")[0]!["price"]!.GetValue<string>());
        Assert.Equal(1, view.Node("feeds")[0]!["accepted"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_account_key_cannot_publish_and_a_feed_key_can_do_nothing_else()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        var trader = await Gateway.NewTrader();

        Api.Problem(await trader.Post("/api/v1/feeds/prices", new { index, price = "100", timestamp = feed.NextTimestamp() }),
            403, "FEED_KEY_REQUIRED");
        Assert.Null((await Gateway.Index(index)).Json!["price"]);

        Api.Problem(await feed.Key.Get("/api/v1/account"), 403, "ACCOUNT_KEY_REQUIRED");
        Api.Problem(await feed.Key.Limit(Symbol, "buy", "10", "0.001"), 403, "ACCOUNT_KEY_REQUIRED");
        Api.Problem(await feed.Key.Get("/api/v1/orders"), 403, "ACCOUNT_KEY_REQUIRED");
        Assert.Empty((await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book")).Node("bids").AsArray());

        // The WebSocket's private channels and the Binance surface do not take it either.
        await using (var socket = await WebSocketClient.Connect(Gateway))
        {
            var ts = Now.ToString(CultureInfo.InvariantCulture);
            await socket.Send(new { op = "auth", apiKey = feed.Key.ApiKey, timestamp = ts,
                signature = RequestSignature.Compute(feed.Key.Secret, ts, "GET", "/ws", []) });
            var refused = await socket.Expect("error");
            Assert.Equal("ACCOUNT_KEY_REQUIRED", refused["code"]!.GetValue<string>());
        }
        var query = $"timestamp={Now}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(feed.Key.Secret), Encoding.UTF8.GetBytes(query)));
        using var binance = new HttpRequestMessage(HttpMethod.Get, $"/fapi/v2/account?{query}&signature={signature}");
        binance.Headers.Add("X-MBX-APIKEY", feed.Key.ApiKey);
        var answer = await Api.Read(Gateway.Anonymous.SendAsync(binance));
        Assert.True(answer.Status == 401 && answer.Json?["code"]?.GetValue<int>() == -2015, answer.ToString());
    }

    [Fact]
    public async Task A_feed_keeps_its_key_until_revoked_and_then_gets_a_new_one()
    {
        var index = await Gateway.NewIndex();
        var feed = await Gateway.NewFeed(index, "sim-1");
        Assert.Equal(200, (await feed.Publish("100")).Status);

        // Registering the name again does not hand out a second key behind the first one's back.
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds", Api.Json(new { name = "sim-1" })),
            409, "FEED_EXISTS");
        Assert.Single((await Gateway.Index(index)).Node("feeds").AsArray());

        var revoked = await Api.Send(Gateway.Admin, HttpMethod.Delete, $"/admin/v1/keys/{feed.Key.ApiKey}");
        Assert.True(revoked.Status == 200, revoked.ToString());
        Assert.Equal($"{index}.sim-1", revoked.String("feedId"));
        Assert.Null(revoked.Json!["accountId"]);
        Api.Problem(await feed.Publish("101"), 401, "UNAUTHORIZED");

        // Rotation: with its key revoked, the same feed (same id, same history) gets a new key.
        var again = await Gateway.NewFeed(index, "sim-1");
        Assert.NotEqual(feed.Key.ApiKey, again.Key.ApiKey);
        var accepted = await again.Publish("102");
        Assert.True(accepted.Status == 200, accepted.ToString());
        var view = await Gateway.Index(index);
        Assert.Single(view.Node("feeds").AsArray());
        Assert.Equal("102", view.Node("feeds")[0]!["price"]!.GetValue<string>());
        Assert.Equal(2, view.Node("feeds")[0]!["accepted"]!.GetValue<long>());

        // A lost secret: revokeOthers replaces the feed's keys in one call.
        var rotated = await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds", Api.Json(new { name = "sim-1", revokeOthers = true }));
        Assert.True(rotated.Status == 200, rotated.ToString());
        Api.Problem(await again.Publish("103"), 401, "UNAUTHORIZED");
        var third = new Feed(Gateway.As(0, rotated.String("apiKey"), rotated.String("apiSecret")), index);
        Assert.Equal(200, (await third.Publish("104", again.NextTimestamp() + 1)).Status);
    }

    [Fact]
    public async Task Index_administration_needs_the_admin_token()
    {
        var index = await Gateway.NewIndex();
        await Gateway.NewFeed(index, "sim-1");
        var trader = await Gateway.NewTrader();
        foreach (var (path, body) in new[]
                 {
                     ("/admin/v1/indices", Api.Json(new { index = IndexHarness.NewName() })),
                     ($"/admin/v1/indices/{index}/feeds", Api.Json(new { name = "intruder" })),
                     ($"/admin/v1/indices/{index}/feeds/sim-1/disable", ""),
                     ($"/admin/v1/indices/{index}/feeds/sim-1/enable", ""),
                 })
        {
            Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Post, path, body), 401, "UNAUTHORIZED");
            Api.Problem(await trader.Send(HttpMethod.Post, path, body), 401, "UNAUTHORIZED");
        }
        var view = await Gateway.Index(index);
        Assert.Equal(["sim-1"], view.Node("feeds").AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Assert.True(view.Node("feeds")[0]!["enabled"]!.GetValue<bool>());
    }
}
