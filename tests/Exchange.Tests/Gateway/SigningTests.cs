using System.Globalization;
using System.Net.Http.Headers;
using Exchange.Client.Security;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Forged, stale, replayed and cross-account requests are refused, and change nothing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SigningTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private long Now => Gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task Requests_without_a_valid_key_and_signature_are_refused()
    {
        var trader = await Gateway.NewTrader();
        var http = trader.Http;
        Api.Problem(await Api.Send(http, HttpMethod.Get, "/api/v1/account"), 401, "UNAUTHORIZED");

        var request = trader.Sign(HttpMethod.Get, "/api/v1/account");
        request.Headers.Remove("X-SIGNATURE");
        Api.Problem(await trader.Send(request), 401, "UNAUTHORIZED");

        request = trader.Sign(HttpMethod.Get, "/api/v1/account");
        request.Headers.Add("X-API-KEY", trader.ApiKey); // twice
        Api.Problem(await trader.Send(request), 401, "UNAUTHORIZED");

        var stranger = new Trader(http, Gateway.Clock, 0, new string('a', 32), "not-the-secret");
        Api.Problem(await stranger.Get("/api/v1/account"), 401, "UNAUTHORIZED");
        var malformedKey = new Trader(http, Gateway.Clock, 0, "'; drop table api_keys; --", trader.Secret);
        Api.Problem(await malformedKey.Get("/api/v1/account"), 401, "UNAUTHORIZED");
        var wrongSecret = new Trader(http, Gateway.Clock, trader.AccountId, trader.ApiKey, trader.Secret + "x");
        Api.Problem(await wrongSecret.Get("/api/v1/account"), 401, "INVALID_SIGNATURE");

        request = trader.Sign(HttpMethod.Get, "/api/v1/account");
        request.Headers.Remove("X-TIMESTAMP");
        request.Headers.Add("X-TIMESTAMP", "yesterday");
        Api.Problem(await trader.Send(request), 401, "INVALID_TIMESTAMP");
    }

    [Fact]
    public async Task A_signature_covers_the_timestamp_method_path_query_and_body()
    {
        var trader = await Gateway.NewTrader();
        const string body = """{"symbol":"X","side":"buy","type":"limit","price":"1","size":"0.001"}""";

        var tamperedBody = trader.Sign(HttpMethod.Post, "/api/v1/orders", body.Replace("\"1\"", "\"2\"", StringComparison.Ordinal));
        tamperedBody.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        Api.Problem(await trader.Send(tamperedBody), 401, "INVALID_SIGNATURE");

        var otherPath = trader.Sign(HttpMethod.Get, $"/api/v1/orders?symbol={Symbol}");
        otherPath.RequestUri = new Uri("/api/v1/orders?symbol=OTHER", UriKind.Relative);
        Api.Problem(await trader.Send(otherPath), 401, "INVALID_SIGNATURE");

        var otherMethod = trader.Sign(HttpMethod.Get, "/api/v1/orders");
        otherMethod.Method = HttpMethod.Delete;
        Api.Problem(await trader.Send(otherMethod), 401, "INVALID_SIGNATURE");

        var otherTime = trader.Sign(HttpMethod.Get, "/api/v1/orders");
        otherTime.Headers.Remove("X-TIMESTAMP");
        otherTime.Headers.Add("X-TIMESTAMP", (Now - 1).ToString(CultureInfo.InvariantCulture));
        Api.Problem(await trader.Send(otherTime), 401, "INVALID_SIGNATURE");

        var upperCase = trader.Sign(HttpMethod.Get, "/api/v1/orders");
        var signature = upperCase.Headers.GetValues("X-SIGNATURE").Single();
        upperCase.Headers.Remove("X-SIGNATURE");
        upperCase.Headers.Add("X-SIGNATURE", signature.ToUpperInvariant());
        Api.Problem(await trader.Send(upperCase), 401, "INVALID_SIGNATURE");

        Assert.Empty((await trader.Get("/api/v1/orders")).Array);
    }

    [Fact]
    public async Task Timestamps_outside_the_window_are_refused_either_way()
    {
        var trader = await Gateway.NewTrader();
        var window = TimeSpan.FromSeconds(5);
        Api.Problem(await trader.Send(trader.Sign(HttpMethod.Get, "/api/v1/account", timestamp: Now - (long)window.TotalMilliseconds - 1)),
            401, "TIMESTAMP_OUT_OF_WINDOW");
        Api.Problem(await trader.Send(trader.Sign(HttpMethod.Get, "/api/v1/account", timestamp: Now + (long)window.TotalMilliseconds + 10)),
            401, "TIMESTAMP_OUT_OF_WINDOW");
        Assert.Equal(200, (await trader.Send(trader.Sign(HttpMethod.Get, "/api/v1/account", timestamp: Now - 4_900))).Status);
        Assert.Equal(200, (await trader.Send(trader.Sign(HttpMethod.Get, "/api/v1/account", timestamp: Now + 4_900))).Status);
    }

    [Fact]
    public async Task A_configured_window_is_honoured()
    {
        await using var strict = await GatewayHarness.StartAsync(Postgres,
            new Dictionary<string, string?> { ["Gateway:SignatureWindow"] = "00:00:01" });
        var trader = await strict.NewTrader();
        var now = strict.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Api.Problem(await trader.Send(trader.Sign(HttpMethod.Get, "/api/v1/account", timestamp: now - 1_500)), 401, "TIMESTAMP_OUT_OF_WINDOW");
        Assert.Equal(200, (await trader.Send(trader.Sign(HttpMethod.Get, "/api/v1/account", timestamp: now - 500))).Status);
    }

    [Fact]
    public async Task A_replayed_request_is_refused_and_places_nothing()
    {
        var trader = await Gateway.NewTrader();
        var body = Api.Json(new { symbol = Symbol, side = "buy", type = "limit", price = "10", size = "0.001" });
        var original = trader.Sign(HttpMethod.Post, "/api/v1/orders", body);
        var copy = Copy(original, body);
        var later = Copy(original, body);
        Assert.Equal(201, (await trader.Send(original)).Status);
        Api.Problem(await trader.Send(copy), 401, "REPLAYED_REQUEST");
        Gateway.Clock.Advance(TimeSpan.FromSeconds(6));
        Api.Problem(await trader.Send(later), 401, "TIMESTAMP_OUT_OF_WINDOW");
        Assert.Single((await trader.Get("/api/v1/orders")).Array);
    }

    [Fact]
    public async Task A_replay_in_the_windows_last_millisecond_is_refused()
    {
        var trader = await Gateway.NewTrader();
        var original = trader.Sign(HttpMethod.Get, "/api/v1/account");
        var sentAt = long.Parse(original.Headers.GetValues("X-TIMESTAMP").Single(), CultureInfo.InvariantCulture);
        var copy = Copy(original, null);
        Assert.Equal(200, (await trader.Send(original)).Status);

        // The copy arrives when the clock reads exactly the last millisecond of the window, and every later reading of
        // the clock is a millisecond on: a check and a guard that read the clock apart would disagree.
        Gateway.Clock.Advance(TimeSpan.FromMilliseconds(sentAt + 5_000 - Now));
        Gateway.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        try
        {
            Api.Problem(await trader.Send(copy), 401, "REPLAYED_REQUEST");
        }
        finally
        {
            Gateway.Clock.AutoAdvanceAmount = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task The_body_cannot_stand_in_for_the_target_and_get_and_delete_take_no_body()
    {
        var trader = await Gateway.NewTrader();
        var other = await Gateway.NewMarket();
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "10", "0.001", "keep-me")).Status);
        Assert.Equal(201, (await trader.Limit(other, "buy", "10", "0.001", "keep-me-too")).Status);

        // Signed as "cancel all in the other market", sent as "cancel all everywhere" with the query moved into the body.
        var moved = trader.Sign(HttpMethod.Delete, $"/api/v1/orders?symbol={other}");
        moved.RequestUri = new Uri("/api/v1/orders", UriKind.Relative);
        moved.Content = new StringContent($"?symbol={other}");
        Api.Problem(await trader.Send(moved), 400, "BODY_NOT_ALLOWED");

        var withBody = trader.Sign(HttpMethod.Get, "/api/v1/orders", "{}");
        Api.Problem(await trader.Send(withBody), 400, "BODY_NOT_ALLOWED");
        Api.Problem(await trader.Send(HttpMethod.Delete, "/api/v1/orders", "x"), 400, "BODY_NOT_ALLOWED");
        Assert.Equal(2, (await trader.Get("/api/v1/orders")).Array.Count);

        // A target and a body signed apart: "/orders/12" with body "3" is not "/orders/123".
        var key = System.Text.Encoding.UTF8.GetBytes(trader.Secret);
        var whole = RequestSignature.Compute(trader.Secret, "1", "PATCH", "/api/v1/orders/123", []);
        Assert.False(RequestSignature.Matches(key, "1", "PATCH", "/api/v1/orders/12", "3"u8, whole));
        var split = RequestSignature.Compute(trader.Secret, "1", "POST", "/api/v1/orders", "?a=1"u8);
        Assert.False(RequestSignature.Matches(key, "1", "POST", "/api/v1/orders?a=1", [], split));
    }

    [Fact]
    public async Task A_key_sees_and_touches_only_its_own_accounts_orders()
    {
        var alice = await Gateway.NewTrader();
        var mallory = await Gateway.NewTrader();
        var order = await alice.Limit(Symbol, "buy", "10", "0.001", "alice-1");
        var id = order.Long("orderId");
        await alice.Limit(Symbol, "sell", "11", "0.001", "alice-2");
        await mallory.Limit(Symbol, "buy", "11", "0.001", "hit-alice"); // a fill of alice's, so both have history

        Api.Problem(await mallory.Get($"/api/v1/orders/{id}?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await mallory.Get($"/api/v1/orders/{id}"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await mallory.Get($"/api/v1/orders/by-client-id/alice-1?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await mallory.Get($"/api/v1/orders/{id + 1}"), 404, "ORDER_NOT_FOUND"); // alice's filled order
        Api.Problem(await mallory.Delete($"/api/v1/orders/{id}?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await mallory.Delete($"/api/v1/orders/{id}"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await mallory.Delete($"/api/v1/orders/by-client-id/alice-1?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await mallory.Send(HttpMethod.Patch, $"/api/v1/orders/{id}?symbol={Symbol}", """{"price":"9"}"""), 404, "ORDER_NOT_FOUND");
        Assert.Empty((await mallory.Delete("/api/v1/orders")).Node("cancelled").AsArray());
        Assert.Empty((await mallory.Get("/api/v1/orders")).Array);
        Assert.All((await mallory.Get("/api/v1/fills")).Array, f => Assert.Equal("taker", f!["liquidity"]!.GetValue<string>()));
        Assert.Equal(mallory.AccountId, (await mallory.Get("/api/v1/account")).Long("accountId"));

        var still = await alice.Get($"/api/v1/orders/{id}");
        Assert.Equal(("new", "10"), (still.String("status"), still.String("price")));
        Assert.Equal("maker", (await alice.Get("/api/v1/fills")).Array.Single()!["liquidity"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_admin_api_needs_the_admin_token()
    {
        var trader = await Gateway.NewTrader();
        Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/admin/v1/audit"), 401, "UNAUTHORIZED");
        using var wrong = Gateway.Server.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHarness.AdminToken + "x");
        Api.Problem(await Api.Send(wrong, HttpMethod.Post, "/admin/v1/accounts", "{}"), 401, "UNAUTHORIZED");
        Api.Problem(await trader.Send(HttpMethod.Get, "/admin/v1/audit"), 401, "UNAUTHORIZED");
        Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Post, $"/admin/v1/accounts/{trader.AccountId}/deposits",
            """{"amount":"1000000","transferId":"free-money"}"""), 401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Secrets_are_stored_encrypted_and_shown_once()
    {
        var trader = await Gateway.NewTrader();
        var stored = await Sql.ScalarAsync<byte[]>(Gateway.Database, $"select secret_encrypted from api_keys where api_key = '{trader.ApiKey}'");
        Assert.DoesNotContain(trader.Secret, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        var account = await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/accounts/{trader.AccountId}");
        Assert.DoesNotContain(trader.Secret, account.Body, StringComparison.Ordinal);
        Assert.Equal(64, trader.Secret.Length);
        Assert.Equal(RequestSignature.HexLength, RequestSignature.Compute(trader.Secret, "1", "GET", "/", []).Length);
    }

    private static HttpRequestMessage Copy(HttpRequestMessage original, string? body)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri);
        if (body is not null) copy.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        foreach (var header in original.Headers) copy.Headers.Add(header.Key, header.Value);
        return copy;
    }
}
