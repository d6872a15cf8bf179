using System.Text.Json.Nodes;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Conditional orders through the native API: placed, refused with stable codes, listed, fired by a trade, cancelled.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConditionalOrderApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private object Stop(string side, string trigger, string triggerPrice, string price, string size, string clientOrderId,
        string triggerBy = "last", bool reduceOnly = false) => new
    {
        symbol = Symbol, side, type = "limit", price, size, timeInForce = "ioc", reduceOnly, clientOrderId, trigger, triggerPrice, triggerBy,
    };

    [Fact]
    public async Task A_stop_loss_waits_then_fires_on_the_trade_that_reaches_it_and_closes_the_position()
    {
        var (holder, maker, seller) = (await Gateway.NewTrader(), await Gateway.NewTrader(), await Gateway.NewTrader());
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "100", "0.1")).Status);
        Assert.Equal(201, (await holder.Limit(Symbol, "buy", "100", "0.1", timeInForce: "ioc")).Status);     // long 0.1 at 100

        var placed = await holder.Post("/api/v1/conditional-orders", Stop("sell", "stop", "99", "98", "0.1", "sl-1", reduceOnly: true));
        Assert.True(placed.Status == 201, placed.ToString());
        Assert.Equal(("pending", "stop", "last", "99", "98", "sl-1"), (placed.String("status"), placed.String("trigger"),
            placed.String("triggerBy"), placed.String("triggerPrice"), placed.String("price"), placed.String("clientOrderId")));
        var id = placed.Long("conditionalId");
        var repeated = await holder.Post("/api/v1/conditional-orders", Stop("sell", "stop", "97", "96", "0.1", "sl-1"));
        Assert.Equal((200, id, "99"), (repeated.Status, repeated.Long("conditionalId"), repeated.String("triggerPrice")));
        Assert.Equal(id, Assert.Single((await holder.Get($"/api/v1/conditional-orders?symbol={Symbol}")).Array)!["conditionalId"]!.GetValue<long>());
        Assert.Empty((await maker.Get("/api/v1/conditional-orders")).Array);
        Assert.Empty((await holder.Get($"/api/v1/orders?symbol={Symbol}")).Array); // it is not an order yet

        // A bid rests at 99; a sale at 99 prints the trade that fires the stop; its order sells into the rest of the bid.
        Assert.Equal(201, (await maker.Limit(Symbol, "buy", "99", "0.2")).Status);
        Assert.Equal(201, (await seller.Limit(Symbol, "sell", "99", "0.1", timeInForce: "ioc")).Status);
        var closed = await Polling.Eventually(async () =>
        {
            var order = await holder.Get($"/api/v1/orders/by-client-id/sl-1?symbol={Symbol}");
            Assert.True(order.Status == 200 && order.String("status") == "filled", order.ToString());
            return order;
        });
        Assert.Equal(("sell", "0.1", "99"), (closed.String("side"), closed.String("filledSize"), closed.String("averagePrice")));
        Assert.Empty((await holder.Get($"/api/v1/conditional-orders?symbol={Symbol}")).Array);
        Assert.Empty((await holder.Get("/api/v1/account")).Node("positions").AsArray());
    }

    [Fact]
    public async Task Refusals_have_stable_codes_and_a_waiting_order_can_be_cancelled_once()
    {
        var (trader, other) = (await Gateway.NewTrader(), await Gateway.NewTrader());
        Assert.Equal(201, (await other.Limit(Symbol, "sell", "100", "0.1")).Status);
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "100", "0.1", timeInForce: "ioc")).Status);    // last price 100

        Api.Problem(await trader.Post("/api/v1/conditional-orders", Stop("sell", "stop", "100", "99", "0.1", "now")), 422, "WOULD_TRIGGER_IMMEDIATELY");
        Api.Problem(await trader.Post("/api/v1/conditional-orders", Stop("sell", "trailing_stop", "90", "89", "0.1", "t")), 400, "INVALID_TRIGGER");
        Api.Problem(await trader.Post("/api/v1/conditional-orders", new { symbol = Symbol, side = "sell", type = "market", size = "0.1", trigger = "stop" }),
            400, "MISSING_FIELD");
        Api.Problem(await trader.Post("/api/v1/conditional-orders", Stop("sell", "someday", "90", "89", "0.1", "x")), 400, "INVALID_FIELD");
        Api.Problem(await trader.Post("/api/v1/conditional-orders", Stop("sell", "stop", "90.25", "89", "0.1", "x")), 400, "INVALID_PRICE");
        Api.Problem(await trader.Post("/api/v1/conditional-orders", Stop("sell", "stop", "90", "89", "0.1", "x", triggerBy: "moon")), 400, "INVALID_FIELD");

        var trailing = await trader.Post("/api/v1/conditional-orders", new
        {
            symbol = Symbol, side = "sell", type = "market", size = "0.1", trigger = "trailing_stop", callbackBps = 200, triggerBy = "last",
        });
        Assert.True(trailing.Status == 201, trailing.ToString());
        Assert.Equal((200, "98"), ((int)trailing.Long("callbackBps"), trailing.String("trailingTrigger")));   // 2% under 100
        var id = trailing.Long("conditionalId");

        Api.Problem(await trader.Delete($"/api/v1/conditional-orders/{id}"), 400, "MISSING_FIELD");
        Api.Problem(await other.Delete($"/api/v1/conditional-orders/{id}?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        var cancelled = await trader.Delete($"/api/v1/conditional-orders/{id}?symbol={Symbol}");
        Assert.True(cancelled.Status == 200, cancelled.ToString());
        Assert.Equal(("cancelled", "trailing_stop"), (cancelled.String("status"), cancelled.String("trigger")));
        Api.Problem(await trader.Delete($"/api/v1/conditional-orders/{id}?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        Assert.Empty((await trader.Get("/api/v1/conditional-orders")).Array);
    }
}
