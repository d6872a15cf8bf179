using System.Globalization;
using Xunit.Abstractions;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Thousands of malformed and hostile requests (see <see cref="HostileRequests"/>): every one gets a 4xx problem with
/// a code, none a 500, and afterwards the audit, the book and both accounts are exactly as before. The count is
/// GATEWAY_FUZZ_REQUESTS (default 10,000); the seed GATEWAY_FUZZ_SEED (default fixed) reproduces a failure. Two
/// gateways over the same cluster and database take the requests at random, and every replay goes to the gateway the
/// original did not: the replay guard they share must refuse it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FuzzTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;
    private GatewayHarness _other = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.StartAsync(postgres);
        _other = await _gateway.StartAnotherGateway();
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Hostile_requests_get_a_4xx_with_a_code_and_change_nothing()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : 10_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 5;
        var symbol = await _gateway.NewMarket();
        var victim = await _gateway.NewTrader();
        var attacker = await _gateway.NewTrader("1000");
        var victimOrder = (await victim.Limit(symbol, "sell", "150", "0.01", "victim-order")).Long("orderId");
        Assert.Equal(201, (await attacker.Limit(symbol, "buy", "100", "0.002", "attacker-order")).Status);
        var revoked = await _gateway.NewTrader("1000");
        Assert.Equal(200, (await _other.As(revoked).Get("/api/v1/account")).Status); // cached by the other gateway
        Assert.Equal(200, (await Api.Send(_gateway.Admin, HttpMethod.Delete, $"/admin/v1/keys/{revoked.ApiKey}")).Status);
        _gateway.Clock.Advance(TimeSpan.FromSeconds(6)); // past the key cache time: revoked on both

        var before = await State(symbol, victim, attacker);
        var random = new Random(seed);
        var hostile = new HostileRequests(random, attacker, victim, victimOrder, symbol, _gateway.Admin, revoked);
        var gateways = new[] { _gateway, _other };
        var codes = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var request = hostile.Next();
            var first = random.Next(2);
            await Check(gateways[first], request.Description, request.Build(), codes);
            if (hostile.PendingReplay is { } replay)
            {
                hostile.PendingReplay = null;
                await Check(gateways[1 - first], "the replay on the other gateway of " + request.Description, replay, codes);
            }
        }
        output.WriteLine($"{count} requests (seed {seed}): " + string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}")));
        Assert.Equal(before, await State(symbol, victim, attacker));
        Assert.True(codes.Count >= 20, "too few distinct codes: " + string.Join(", ", codes.Keys));
    }

    private static async Task Check(GatewayHarness gateway, string description, HttpRequestMessage request, Dictionary<string, int> codes)
    {
        using (request)
        {
            var response = await Api.Read(gateway.Anonymous.SendAsync(request));
            Assert.True(response.Status is >= 400 and < 500 && response.Code is { Length: > 0 } && response.ContentType == "application/problem+json",
                $"{description} -> {response.Status} {response.Body[..Math.Min(300, response.Body.Length)]}");
            codes[response.Code!] = codes.GetValueOrDefault(response.Code!) + 1;
        }
    }

    private async Task<string> State(string symbol, Trader victim, Trader attacker)
    {
        var audit = await _gateway.Audit();
        var book = await Api.Send(_gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/book");
        return string.Join("\n", audit.Body, book.Body, (await victim.Get("/api/v1/account")).Body, (await attacker.Get("/api/v1/account")).Body,
            (await victim.Get("/api/v1/orders?status=all")).Body, (await attacker.Get("/api/v1/orders?status=all")).Body,
            (await Api.Send(_gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}")).Body);
    }
}
