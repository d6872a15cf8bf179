using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Keys across gateways: two gateways over one cluster and one database. A revoked key stops working at once on the
/// gateway that revoked it and within the key cache's time to live on the other; a rotated key acts for the same
/// account; a signature accepted by one gateway is a replay on the other; a gateway that would keep keys in memory
/// beside a cluster that already holds accounts refuses to start.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KeyLifecycleTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private static readonly TimeSpan KeyCacheTime = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_here_and_within_seconds_on_every_gateway()
    {
        await using var other = await Gateway.StartAnotherGateway();
        var trader = await Gateway.NewTrader();
        var elsewhere = other.As(trader);
        Assert.Equal(200, (await trader.Get("/api/v1/account")).Status);
        Assert.Equal(200, (await elsewhere.Get("/api/v1/account")).Status); // the other gateway has the key cached now

        var revoked = await Api.Send(Gateway.Admin, HttpMethod.Delete, $"/admin/v1/keys/{trader.ApiKey}");
        Assert.Equal(200, revoked.Status);
        Assert.Equal(trader.AccountId, revoked.Long("accountId"));
        Api.Problem(await trader.Get("/api/v1/account"), 401, "UNAUTHORIZED");

        Gateway.Clock.Advance(KeyCacheTime + TimeSpan.FromSeconds(1));
        Api.Problem(await elsewhere.Get("/api/v1/account"), 401, "UNAUTHORIZED");
        Api.Problem(await elsewhere.Limit(Symbol, "buy", "10", "0.001"), 401, "UNAUTHORIZED");

        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Delete, $"/admin/v1/keys/{new string('e', 32)}"), 404, "KEY_NOT_FOUND");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Delete, "/admin/v1/keys/not-a-key"), 404, "KEY_NOT_FOUND");
        Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Delete, $"/admin/v1/keys/{trader.ApiKey}"), 401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_rotated_key_acts_for_the_same_account_and_the_old_one_stops_on_every_gateway()
    {
        await using var other = await Gateway.StartAnotherGateway();
        var trader = await Gateway.NewTrader();
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "10", "0.001", "before-rotation")).Status);
        Assert.Equal(200, (await other.As(trader).Get("/api/v1/account")).Status);

        var rotated = await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/accounts/{trader.AccountId}/keys",
            Api.Json(new { revokeOthers = true }));
        Assert.Equal(201, rotated.Status);
        Assert.Equal(trader.AccountId, rotated.Long("accountId"));
        Assert.Equal([trader.ApiKey], rotated.Node("revoked").AsArray().Select(k => k!.GetValue<string>()));
        var renewed = other.As(trader.AccountId, rotated.String("apiKey"), rotated.String("apiSecret"));
        Assert.NotEqual(trader.ApiKey, renewed.ApiKey);

        var account = await renewed.Get("/api/v1/account");
        Assert.Equal(trader.AccountId, account.Long("accountId"));
        Assert.Equal("before-rotation", (await renewed.Get("/api/v1/orders")).Array.Single()!["clientOrderId"]!.GetValue<string>());
        Api.Problem(await trader.Get("/api/v1/account"), 401, "UNAUTHORIZED");
        Gateway.Clock.Advance(KeyCacheTime + TimeSpan.FromSeconds(1));
        Api.Problem(await other.As(trader).Get("/api/v1/account"), 401, "UNAUTHORIZED");

        var keys = await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/accounts/{trader.AccountId}/keys");
        Assert.Equal(200, keys.Status);
        Assert.Equal(2, keys.Array.Count);
        Assert.DoesNotContain(renewed.Secret, keys.Body, StringComparison.Ordinal);

        var added = await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/accounts/{trader.AccountId}/keys");
        Assert.Equal(201, added.Status);
        Assert.Empty(added.Node("revoked").AsArray());
        Assert.Equal(200, (await renewed.Get("/api/v1/account")).Status); // without revokeOthers the other keys keep working
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/accounts/999999/keys"), 404, "ACCOUNT_NOT_FOUND");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/accounts/{trader.AccountId}/keys", """{"revokeOthers":"yes"}"""),
            400, "INVALID_FIELD");
    }

    [Fact]
    public async Task A_signature_accepted_by_one_gateway_is_a_replay_on_another()
    {
        await using var other = await Gateway.StartAnotherGateway();
        var trader = await Gateway.NewTrader();
        var body = Api.Json(new { symbol = Symbol, side = "buy", type = "limit", price = "10", size = "0.001" });
        var original = trader.Sign(HttpMethod.Post, "/api/v1/orders", body);
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var header in original.Headers) copy.Headers.Add(header.Key, header.Value);
        Assert.Equal(201, (await trader.Send(original)).Status);
        Api.Problem(await other.As(trader).Send(copy), 401, "REPLAYED_REQUEST");
        Assert.Single((await trader.Get("/api/v1/orders")).Array);
    }

    [Fact]
    public async Task A_gateway_with_keys_in_memory_refuses_to_start_beside_a_cluster_that_holds_accounts()
    {
        var victim = await Gateway.NewTrader();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            Gateway.StartAnotherGateway(new Dictionary<string, string?> { ["ConnectionStrings:Exchange"] = null }));
        Assert.Contains("ConnectionStrings:Exchange", failure.Message, StringComparison.Ordinal);
        Assert.Equal(200, (await victim.Get("/api/v1/account")).Status);
    }

    [Fact]
    public async Task A_bad_gateway_setting_stops_the_gateway_at_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Gateway.StartAnotherGateway(new Dictionary<string, string?>
            {
                ["Gateway:SignatureWindow"] = "00:00:00",
                ["Gateway:SecretKey"] = "not-base64-of-32-bytes",
                ["Gateway:RateLimits:Orders:PerSecond"] = "0",
            }));
        Assert.Contains("Gateway:SignatureWindow must be a positive duration", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:SecretKey must be base64 of exactly 32 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:RateLimits:Orders:PerSecond must be positive", failure.Message, StringComparison.Ordinal);
    }
}
