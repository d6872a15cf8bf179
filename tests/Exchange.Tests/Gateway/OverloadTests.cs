using System.Security.Cryptography;
using System.Text;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Load shedding through the gateway, on a journal held at a gate with commands waiting behind it: a new order is
/// answered 503 OVERLOADED with Retry-After (and -1008 on the Binance surface), while a cancel sent at the same time is
/// taken and answered once the journal catches up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OverloadTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly JournalGate _gate = new();
    private readonly Arrivals _arrivals = new();
    private GatewayHarness _gateway = null!;
    private Trader _trader = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.StartAsync(postgres, siloServices: s =>
        {
            s.AddSingleton<IIncomingGrainCallFilter>(_arrivals);
            s.AddSingleton<IMarketJournal>(sp => new GatedJournal(new PostgresMarketJournal(sp.GetRequiredService<NpgsqlDataSource>()), _gate));
            // One command waiting for the journal is already too many new risk, so the test needs no clock.
            s.Configure<MarketOptions>(o => o.ShedQueuedCommands = 1);
        });
        Assert.Equal(201, (await Api.Send(_gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol = "ETH-PERP", tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000", marketProtection = "50",
        }))).Status);
        _trader = await _gateway.NewTrader("100000");
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task New_orders_get_503_OVERLOADED_with_Retry_After_while_a_cancel_is_taken()
    {
        Assert.Equal(201, (await _trader.Limit("ETH-PERP", "buy", "1000", "0.010", "resting")).Status);

        _gate.Close();
        var inFlight = _trader.Limit("ETH-PERP", "buy", "1001", "0.010", "in-flight");
        await _gate.Entered.WaitAsync(Polling.DefaultDeadline);
        var before = _arrivals.Count;
        // Cancel-all goes straight to the market (a single cancel first reads the order, which waits for the journal too).
        var cancel = _trader.Delete("/api/v1/orders?symbol=ETH-PERP");
        await Polling.Eventually(() => _arrivals.Count > before ? Task.FromResult(true) : throw new InvalidOperationException("the cancel has not reached the market"));

        var refused = await _trader.Limit("ETH-PERP", "buy", "999", "0.010", "refused");
        Api.Problem(refused, 503, "OVERLOADED");
        Assert.Equal("1", refused.Message.Headers.RetryAfter?.ToString());

        var binance = await Signed("/fapi/v1/order", "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=998");
        Assert.Equal(503, binance.Status);
        Assert.Equal(-1008, binance.Json!["code"]!.GetValue<int>());
        Assert.Equal("1", binance.Message.Headers.RetryAfter?.ToString());
        Assert.False(cancel.IsCompleted);

        _gate.Open();
        var cancelled = await cancel;
        Assert.True(cancelled.Status == 200, cancelled.ToString());
        Assert.Equal(201, (await inFlight).Status);
        Api.Problem(await _trader.Get("/api/v1/orders/by-client-id/refused?symbol=ETH-PERP"), 404, "ORDER_NOT_FOUND");
    }

    private Task<Api.Response> Signed(string path, string parameters)
    {
        var all = $"{parameters}&timestamp={_gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds()}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_trader.Secret), Encoding.UTF8.GetBytes(all)));
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent($"{all}&signature={signature}", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-MBX-APIKEY", _trader.ApiKey);
        return Api.Read(_gateway.Anonymous.SendAsync(request));
    }

    /// <summary>Counts commands reaching markets, on the market's turn.</summary>
    private sealed class Arrivals : IIncomingGrainCallFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name is nameof(IMarketGrain.Execute) or nameof(IMarketGrain.ExecuteBatch)) Interlocked.Increment(ref _count);
            return context.Invoke();
        }
    }
}
