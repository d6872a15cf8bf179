using System.Text.Json.Nodes;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Batch placement and cancel: each item answered on its own, in order, with the codes of single requests.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchOrderApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private static object Limit(string symbol, string side, string price, string size, string? clientOrderId = null) =>
        new { symbol, side, type = "limit", price, size, clientOrderId };

    private static JsonNode[] Items(Api.Response answer)
    {
        Assert.True(answer.Status == 200, answer.ToString());
        return [.. answer.Node("orders").AsArray().Select(n => n!)];
    }

    private static (int Status, string? Code) Outcome(JsonNode item) =>
        (item["status"]!.GetValue<int>(), item["error"]?["code"]?.GetValue<string>());

    [Fact]
    public async Task Good_and_bad_orders_in_one_batch_each_get_their_own_answer_in_order()
    {
        var trader = await Gateway.NewTrader();
        var answer = await trader.Post("/api/v1/orders/batch", new
        {
            orders = new object[]
            {
                Limit(Symbol, "buy", "100", "0.1", "good-1"),
                Limit(Symbol, "buy", "100.25", "0.1"),                          // off the 0.5 tick
                new { symbol = Symbol, side = "buy", type = "limit", price = "99", size = "0.1", colour = "red" },
                Limit("NO-SUCH-MARKET", "buy", "100", "0.1"),
                Limit(Symbol, "sell", "900000", "999"),                         // far more than the account can margin
                Limit(Symbol, "sell", "101", "0.2", "good-2"),
            },
        });
        var items = Items(answer);
        Assert.Equal([(201, null), (400, "INVALID_PRICE"), (400, "UNKNOWN_FIELD"), (404, "UNKNOWN_MARKET"), (422, "INSUFFICIENT_MARGIN"), (201, null)],
            items.Select(Outcome).ToArray());
        Assert.Equal(("good-1", "100", "new"), (items[0]["order"]!["clientOrderId"]!.GetValue<string>(),
            items[0]["order"]!["price"]!.GetValue<string>(), items[0]["order"]!["status"]!.GetValue<string>()));
        Assert.Equal("good-2", items[5]["order"]!["clientOrderId"]!.GetValue<string>());
        Assert.Null(items[1]["order"]);

        var open = (await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array;
        Assert.Equal(["good-1", "good-2"], open.Select(o => o!["clientOrderId"]!.GetValue<string>()).Order().ToArray());
    }

    [Fact]
    public async Task Margin_is_reserved_for_each_order_in_the_order_given()
    {
        var trader = await Gateway.NewTrader(deposit: "10");
        // Each needs 4 USD of initial margin (10% of 40) and a little fee room: two fit in 10 USD, the third does not.
        var items = Items(await trader.Post("/api/v1/orders/batch", new
        {
            orders = new[] { Limit(Symbol, "buy", "100", "0.4", "m-1"), Limit(Symbol, "buy", "100", "0.4", "m-2"), Limit(Symbol, "buy", "100", "0.4", "m-3") },
        }));
        Assert.Equal([(201, null), (201, null), (422, "INSUFFICIENT_MARGIN")], items.Select(Outcome).ToArray());
    }

    [Fact]
    public async Task A_repeated_client_order_id_answers_with_the_original_within_and_across_batches()
    {
        var trader = await Gateway.NewTrader();
        var first = Items(await trader.Post("/api/v1/orders/batch", new
        {
            orders = new[] { Limit(Symbol, "buy", "100", "0.1", "same"), Limit(Symbol, "buy", "99", "0.3", "same") },
        }));
        Assert.Equal([(201, null), (200, null)], first.Select(Outcome).ToArray());
        var id = first[0]["order"]!["orderId"]!.GetValue<long>();
        Assert.Equal(id, first[1]["order"]!["orderId"]!.GetValue<long>());
        Assert.Equal("100", first[1]["order"]!["price"]!.GetValue<string>());

        var again = Items(await trader.Post("/api/v1/orders/batch", new { orders = new[] { Limit(Symbol, "buy", "100", "0.1", "same") } }));
        Assert.Equal((200, id), (again[0]["status"]!.GetValue<int>(), again[0]["order"]!["orderId"]!.GetValue<long>()));
        Assert.Single((await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array);
    }

    [Fact]
    public async Task A_batch_is_bounded_and_must_be_an_array_of_orders()
    {
        var trader = await Gateway.NewTrader();
        var tooMany = Enumerable.Range(0, 21).Select(i => Limit(Symbol, "buy", "100", "0.001")).ToArray();
        Api.Problem(await trader.Post("/api/v1/orders/batch", new { orders = tooMany }), 400, "INVALID_FIELD");
        Api.Problem(await trader.Post("/api/v1/orders/batch", new { orders = Array.Empty<object>() }), 400, "INVALID_FIELD");
        Api.Problem(await trader.Post("/api/v1/orders/batch", new { }), 400, "MISSING_FIELD");
        Api.Problem(await trader.Post("/api/v1/orders/batch", new { orders = "all of them" }), 400, "INVALID_FIELD");
        Api.Problem(await trader.Post("/api/v1/orders/batch", new { orders = tooMany[..1], extra = 1 }), 400, "UNKNOWN_FIELD");
        var items = Items(await trader.Post("/api/v1/orders/batch", new { orders = new object[] { 42 } }));
        Assert.Equal((400, "INVALID_FIELD"), Outcome(items[0]));
        Assert.Empty((await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array);
        // Unsigned: refused like any signed endpoint.
        Assert.Equal(401, (await Api.Send(Gateway.Anonymous, HttpMethod.Post, "/api/v1/orders/batch", Api.Json(new { orders = tooMany[..1] }))).Status);
    }

    [Fact]
    public async Task A_batch_cancel_answers_each_order_by_id_or_client_id()
    {
        var trader = await Gateway.NewTrader();
        var placed = Items(await trader.Post("/api/v1/orders/batch", new
        {
            orders = new[] { Limit(Symbol, "buy", "100", "0.1", "c-1"), Limit(Symbol, "buy", "99", "0.1", "c-2"), Limit(Symbol, "buy", "98", "0.1", "c-3") },
        }));
        var first = placed[0]["order"]!["orderId"]!.GetValue<long>();
        var cancelled = Items(await trader.Post("/api/v1/orders/batch/cancel", new
        {
            symbol = Symbol,
            orders = new object[] { new { orderId = first }, new { clientOrderId = "c-2" }, new { orderId = 999_999 }, new { }, new { symbol = "NOPE-PERP", orderId = 1 } },
        }));
        Assert.Equal([(200, null), (200, null), (404, "ORDER_NOT_FOUND"), (400, "MISSING_FIELD"), (404, "UNKNOWN_MARKET")],
            cancelled.Select(Outcome).ToArray());
        Assert.Equal(("cancelled", "c-2"), (cancelled[1]["order"]!["status"]!.GetValue<string>(), cancelled[1]["order"]!["clientOrderId"]!.GetValue<string>()));
        Assert.Equal("c-3", Assert.Single((await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array)!["clientOrderId"]!.GetValue<string>());

        // Another account cannot cancel them: its items are not found.
        var other = await Gateway.NewTrader();
        var refused = Items(await other.Post("/api/v1/orders/batch/cancel", new { orders = new object[] { new { symbol = Symbol, clientOrderId = "c-3" } } }));
        Assert.Equal((404, "ORDER_NOT_FOUND"), Outcome(refused[0]));
    }
}
