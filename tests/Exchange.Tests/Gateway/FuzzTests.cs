using System.Globalization;
using Xunit.Abstractions;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Thousands of malformed and hostile requests (see <see cref="HostileRequests"/>): every one gets a 4xx problem with
/// a code, none a 500, and afterwards the audit, the book and both accounts are exactly as before. The count is
/// GATEWAY_FUZZ_REQUESTS (default 10,000); the seed GATEWAY_FUZZ_SEED (default fixed) reproduces a failure.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FuzzTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

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

        var before = await State(symbol, victim, attacker);
        var hostile = new HostileRequests(new Random(seed), attacker, victim, victimOrder, symbol, _gateway.Admin);
        var codes = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var request = hostile.Next();
            await Check(request.Description, request.Build(), codes);
            if (hostile.PendingReplay is { } replay)
            {
                hostile.PendingReplay = null;
                await Check("the replay of " + request.Description, replay, codes);
            }
        }
        output.WriteLine($"{count} requests (seed {seed}): " + string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}")));
        Assert.Equal(before, await State(symbol, victim, attacker));
        Assert.True(codes.Count >= 20, "too few distinct codes: " + string.Join(", ", codes.Keys));
    }

    private async Task Check(string description, HttpRequestMessage request, Dictionary<string, int> codes)
    {
        using (request)
        {
            var response = await Api.Read(_gateway.Anonymous.SendAsync(request));
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
