using Exchange.Client.Keys;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Tests.Gateway;

/// <summary>
/// What a caller without a key can make the gateway ask PostgreSQL: guessed keys are counted per address and refused
/// before verification once the address's failures are used up, an unknown key is remembered for a while, and
/// readiness answers from its last check.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UnauthenticatedLoadTests(PostgresFixture postgres) : IAsyncLifetime
{
    // Five failures, then one an hour: nothing refills while the test runs, so the counts are exact.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Gateway:RateLimits:Authentication:Burst"] = "5",
        ["Gateway:RateLimits:Authentication:PerSecond"] = "1",
        ["Gateway:RateLimits:Authentication:Period"] = "01:00:00",
    };

    private GatewayHarness _gateway = null!;
    private CountingKeyStore _store = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.StartAsync(postgres, Settings, gatewayServices: CountingKeyStore.Register(store => _store = store));
        _ = _gateway.App.Services.GetRequiredService<IApiKeyStore>();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Guessed_keys_cost_a_look_up_only_until_the_addresss_failures_are_used_up()
    {
        var responses = new List<Api.Response>();
        for (var i = 0; i < 50; i++)
            responses.Add(await _gateway.As(0, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "guess").Get("/api/v1/account"));
        Assert.All(responses.Take(5), r => Api.Problem(r, 401, "UNAUTHORIZED"));
        Assert.All(responses.Skip(5), r => Api.Problem(r, 429, "RATE_LIMITED"));
        Assert.True(responses[^1].Message.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {responses[^1].Message.Headers.RetryAfter}");
        Assert.Equal(5, _store.Lookups);
    }

    [Fact]
    public async Task An_unknown_key_is_looked_up_once_while_it_is_remembered_and_readiness_is_cached()
    {
        CountingKeyStore? openStore = null;
        await using var open = await _gateway.StartAnotherGateway(Settings, CountingKeyStore.Register(store => openStore = store));
        var unknown = open.As(0, new string('b', ApiKeys.KeyLength), "guess");
        Api.Problem(await unknown.Get("/api/v1/account"), 401, "UNAUTHORIZED");
        var before = openStore!.Lookups;
        // The other gateway's failures are its own budget: use it up with the same unknown key, without a query each.
        for (var i = 0; i < 4; i++) Api.Problem(await unknown.Get("/api/v1/account"), 401, "UNAUTHORIZED");
        Assert.Equal(before, openStore.Lookups);
        _gateway.Clock.Advance(TimeSpan.FromSeconds(6));
        Api.Problem(await unknown.Get("/api/v1/account"), 429, "RATE_LIMITED");
        Assert.Equal(before, openStore.Lookups); // refused before it was looked up again

        var pings = _store.Pings;
        for (var i = 0; i < 20; i++) Assert.Equal(200, (await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/health/ready")).Status);
        Assert.Equal(pings + 1, _store.Pings);
        _gateway.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(200, (await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/health/ready")).Status);
        Assert.Equal(pings + 2, _store.Pings);
    }
}
