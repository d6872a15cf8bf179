using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Per-key token buckets: 429 with Retry-After, a separate budget for cancels, keys do not share.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RateLimitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (policy, burst) in new[] { ("Orders", 2), ("Cancels", 2), ("Queries", 2), ("Public", 2) })
        {
            // One token an hour after the burst: nothing refills while the test runs, so the counts are exact.
            settings[$"Gateway:RateLimits:{policy}:Burst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"Gateway:RateLimits:{policy}:PerSecond"] = "1";
            settings[$"Gateway:RateLimits:{policy}:Period"] = "01:00:00";
        }
        _gateway = await GatewayHarness.StartAsync(postgres, settings);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Each_key_has_its_own_budgets_and_cancels_are_never_starved_by_orders()
    {
        var symbol = await _gateway.NewMarket();
        var busy = await _gateway.NewTrader();
        var calm = await _gateway.NewTrader();
        var first = (await busy.Limit(symbol, "buy", "10", "0.001")).Long("orderId");
        Assert.Equal(201, (await busy.Limit(symbol, "buy", "11", "0.001")).Status);

        var limited = await busy.Limit(symbol, "buy", "12", "0.001");
        Api.Problem(limited, 429, "RATE_LIMITED");
        var retryAfter = limited.Message.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero, $"Retry-After: {limited.Message.Headers.RetryAfter}");

        Assert.Equal(200, (await busy.Delete($"/api/v1/orders/{first}?symbol={symbol}")).Status);
        Assert.Equal(201, (await calm.Limit(symbol, "buy", "10", "0.001")).Status);
        Assert.Equal(2, (await Api.Send(_gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/book")).Node("bids").AsArray().Count);
        Assert.Equal(200, (await Api.Send(_gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/trades")).Status);
        Api.Problem(await Api.Send(_gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/book"), 429, "RATE_LIMITED");
    }

    [Fact]
    public async Task Requests_that_fail_authentication_do_not_spend_the_keys_budget()
    {
        var symbol = await _gateway.NewMarket();
        var trader = await _gateway.NewTrader();
        var forger = new Trader(trader.Http, _gateway.Clock, trader.AccountId, trader.ApiKey, "guessed-secret");
        for (var i = 0; i < 5; i++) Api.Problem(await forger.Limit(symbol, "buy", "10", "0.001"), 401, "INVALID_SIGNATURE");
        Assert.Equal(201, (await trader.Limit(symbol, "buy", "10", "0.001")).Status);
    }
}
