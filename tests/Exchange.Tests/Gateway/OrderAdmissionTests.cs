using Exchange.Client.Hosting;
using Exchange.Journal;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The gateway's order admission with one order in progress (held by a closed journal) and room for one more to wait:
/// an order beyond the queue is refused OVERLOADED at once, one that waited its bound is refused then and never reaches
/// the market, a reduce-only order that waited as long still goes on, and cancels never wait for a turn.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderAdmissionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly JournalGate _gate = new();
    private GatewayHarness _gateway = null!;
    private Trader _trader = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Gateway:OrderAdmission:InFlight"] = "1",
            ["Gateway:OrderAdmission:Queue"] = "1",
            ["Gateway:OrderAdmission:MaxWait"] = "00:00:01",
        }, siloServices: s =>
            s.AddSingleton<IMarketJournal>(sp => new GatedJournal(new PostgresMarketJournal(sp.GetRequiredService<NpgsqlDataSource>()), _gate)));
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
    public async Task Orders_wait_their_turn_and_are_shed_after_their_bound_while_cancels_and_reduce_only_orders_go_on()
    {
        var admission = _gateway.App.Services.GetRequiredService<OrderAdmission>();
        Assert.Equal(201, (await _trader.Limit("ETH-PERP", "buy", "1000", "0.010", "resting")).Status);

        _gate.Close();
        var inProgress = _trader.Limit("ETH-PERP", "buy", "1001", "0.010", "in-progress");
        await _gate.Entered.WaitAsync(Polling.DefaultDeadline);
        var waiting = _trader.Limit("ETH-PERP", "buy", "999", "0.010", "waiting");
        await Polling.Eventually(() => Waiting(admission, 1));

        var overflow = await _trader.Limit("ETH-PERP", "buy", "998", "0.010", "overflow");
        Api.Problem(overflow, 503, "OVERLOADED");
        Assert.Equal("1", overflow.Message.Headers.RetryAfter?.ToString());
        var cancel = _trader.Delete("/api/v1/orders?symbol=ETH-PERP"); // with the queue full: it never joins it

        _gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        Api.Problem(await waiting, 503, "OVERLOADED");

        var reduceOnly = _trader.Post("/api/v1/orders", new
        {
            symbol = "ETH-PERP", side = "sell", type = "limit", price = "1500", size = "0.010", timeInForce = "gtc",
            reduceOnly = true, clientOrderId = "reduce-only",
        });
        await Polling.Eventually(() => Waiting(admission, 1));
        _gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await Polling.Eventually(() => Waiting(admission, 0));

        _gate.Open();
        Assert.Equal(201, (await inProgress).Status);
        var cancelled = await cancel;
        Assert.True(cancelled.Status == 200, cancelled.ToString());
        var reduced = await reduceOnly;
        Assert.True(reduced.Status != 503, reduced.ToString());
        Api.Problem(await _trader.Get("/api/v1/orders/by-client-id/waiting?symbol=ETH-PERP"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await _trader.Get("/api/v1/orders/by-client-id/overflow?symbol=ETH-PERP"), 404, "ORDER_NOT_FOUND");
    }

    private static Task Waiting(OrderAdmission admission, long expected) => admission.Waiting == expected
        ? Task.CompletedTask
        : throw new InvalidOperationException($"{admission.Waiting} orders waiting for their turn, not {expected}");
}
