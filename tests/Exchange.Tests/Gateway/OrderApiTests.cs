using System.Text.Json.Nodes;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Signed order entry, order queries, fills, the account and withdrawals, path by path.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private static string S(JsonNode? node, string name) => node![name]!.GetValue<string>();

    [Fact]
    public async Task A_resting_order_can_be_read_amended_listed_and_cancelled()
    {
        var trader = await Gateway.NewTrader();
        var placed = await trader.Limit(Symbol, "buy", "100.5", "0.25", "mine-1");
        Assert.True(placed.Status == 201, placed.ToString());
        var id = placed.Long("orderId");
        Assert.Equal(("mine-1", Symbol, "buy", "limit", "100.5", "0.25", "0", "new", "gtc"),
            (placed.String("clientOrderId"), placed.String("symbol"), placed.String("side"), placed.String("type"), placed.String("price"),
                placed.String("size"), placed.String("filledSize"), placed.String("status"), placed.String("timeInForce")));
        Assert.Null(placed.Json!["averagePrice"]);
        Assert.Empty(placed.Node("fills").AsArray());

        Assert.Equal(id, (await trader.Get($"/api/v1/orders/{id}?symbol={Symbol}")).Long("orderId"));
        Assert.Equal(id, (await trader.Get($"/api/v1/orders/{id}")).Long("orderId"));
        Assert.Equal(id, (await trader.Get($"/api/v1/orders/by-client-id/mine-1?symbol={Symbol}")).Long("orderId"));
        Assert.Equal(id, (await trader.Get("/api/v1/orders/by-client-id/mine-1")).Long("orderId"));
        Assert.Equal(id, Assert.Single((await trader.Get($"/api/v1/orders?symbol={Symbol}&status=open")).Array)!["orderId"]!.GetValue<long>());

        var amended = await trader.Send(HttpMethod.Patch, $"/api/v1/orders/{id}?symbol={Symbol}", """{"price":"101","size":"0.2"}""");
        Assert.True(amended.Status == 200, amended.ToString());
        Assert.Equal(("101", "0.2", "new"), (amended.String("price"), amended.String("size"), amended.String("status")));
        Assert.Equal("""[["101","0.2"]]""", (await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book")).Node("bids").ToJsonString());

        var cancelled = await trader.Delete($"/api/v1/orders/{id}?symbol={Symbol}");
        Assert.True(cancelled.Status == 200, cancelled.ToString());
        Assert.Equal("cancelled", cancelled.String("status"));
        Assert.Empty((await trader.Get("/api/v1/orders")).Array);
        Assert.Equal("cancelled", S(Assert.Single((await trader.Get("/api/v1/orders?status=closed")).Array), "status"));
        Assert.Single((await trader.Get($"/api/v1/orders?status=all&symbol={Symbol}")).Array);
        Assert.Equal("cancelled", (await trader.Get($"/api/v1/orders/{id}")).String("status"));
        Api.Problem(await trader.Delete($"/api/v1/orders/{id}?symbol={Symbol}"), 404, "ORDER_NOT_FOUND");
        Assert.Empty((await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book")).Node("bids").AsArray());
    }

    [Fact]
    public async Task A_taker_sweeps_the_book_and_both_sides_see_their_fills_positions_and_money()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        var first = (await maker.Limit(Symbol, "sell", "100", "0.1")).Long("orderId");
        var second = (await maker.Limit(Symbol, "sell", "101", "0.3")).Long("orderId");

        var market = await taker.Market(Symbol, "buy", "0.2", "sweep");
        Assert.True(market.Status == 201, market.ToString());
        Assert.Equal(("market", "filled", "0.2", "100.5"), (market.String("type"), market.String("status"), market.String("filledSize"), market.String("averagePrice")));
        Assert.Null(market.Json!["price"]);
        var fills = market.Node("fills").AsArray();
        Assert.Equal([("100", "0.1", "taker"), ("101", "0.1", "taker")],
            fills.Select(f => (S(f, "price"), S(f, "size"), S(f, "liquidity"))).ToArray());

        Assert.Equal("filled", (await maker.Get($"/api/v1/orders/{first}")).String("status"));
        var partial = await maker.Get($"/api/v1/orders/{second}?symbol={Symbol}");
        Assert.Equal(("partially_filled", "0.1", "101"), (partial.String("status"), partial.String("filledSize"), partial.String("averagePrice")));
        Assert.Equal("maker", S(Assert.Single(partial.Node("fills").AsArray()), "liquidity"));
        Assert.Equal("partially_filled", S(Assert.Single((await maker.Get("/api/v1/orders")).Array), "status"));

        var makerFills = (await maker.Get($"/api/v1/fills?symbol={Symbol}")).Array;
        Assert.Equal([("101", "sell"), ("100", "sell")], makerFills.Select(f => (S(f, "price"), S(f, "side"))).ToArray());
        Assert.Single((await taker.Get("/api/v1/fills?limit=1")).Array);

        var account = await taker.Get("/api/v1/account");
        Assert.Equal(taker.AccountId, account.Long("accountId"));
        var position = Assert.Single(account.Node("positions").AsArray());
        Assert.Equal((Symbol, "0.2", "100.5", "101"), (S(position, "symbol"), S(position, "size"), S(position, "entryPrice"), S(position, "markPrice")));
        Assert.Equal("0.1", S(position, "unrealisedPnl"));
        Assert.Equal("-0.2", S(Assert.Single((await maker.Get("/api/v1/account")).Node("positions").AsArray()), "size"));
        foreach (var field in new[] { "collateral", "equity", "marginUsed", "maintenanceMargin", "available", "feesPaid", "realisedPnl" })
            Assert.True(decimal.TryParse(account.String(field), System.Globalization.CultureInfo.InvariantCulture, out _), field);

        var audit = await Gateway.Audit();
        Assert.True(audit.Node("balanced").GetValue<bool>(), audit.ToString());
        Assert.Equal("0", audit.String("moneyDifference"));
        Assert.Equal("0", audit.Node("netPositions")[Symbol]!.GetValue<string>());
    }

    [Fact]
    public async Task Immediate_orders_that_cannot_fill_expire()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        await maker.Limit(Symbol, "sell", "100", "0.1");
        var ioc = await taker.Limit(Symbol, "buy", "100", "0.3", timeInForce: "ioc");
        Assert.Equal(("expired", "0.1"), (ioc.String("status"), ioc.String("filledSize")));
        var fok = await taker.Limit(Symbol, "buy", "100", "0.3", timeInForce: "fok");
        Assert.Equal(("expired", "0"), (fok.String("status"), fok.String("filledSize")));
    }

    [Fact]
    public async Task Repeating_a_client_order_id_answers_with_the_original_order()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader("60");
        var first = await maker.Limit(Symbol, "sell", "1000", "0.5", "once");
        Assert.Equal(201, first.Status);
        var again = await maker.Limit(Symbol, "sell", "1000", "0.5", "once");
        Assert.True(again.Status == 200, again.ToString());
        Assert.Equal(first.Long("orderId"), again.Long("orderId"));
        var different = await maker.Limit(Symbol, "sell", "999", "0.1", "once");
        Assert.Equal((200, first.Long("orderId"), "1000"), (different.Status, different.Long("orderId"), different.String("price")));
        Assert.Equal("""[["1000","0.5"]]""", (await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book")).Node("asks").ToJsonString());

        // The taker's order uses nearly all its margin; the repeat is refused by the margin check, yet answers with the original.
        var taken = await taker.Limit(Symbol, "buy", "1000", "0.5", "take");
        Assert.True(taken.Status == 201, taken.ToString());
        Assert.Equal("filled", taken.String("status"));
        var repeat = await taker.Limit(Symbol, "buy", "1000", "0.5", "take");
        Assert.Equal((200, taken.Long("orderId"), "filled"), (repeat.Status, repeat.Long("orderId"), repeat.String("status")));
        Api.Problem(await taker.Limit(Symbol, "buy", "1000", "0.5", "other"), 422, "INSUFFICIENT_MARGIN");
        Assert.Equal("filled", (await maker.Limit(Symbol, "sell", "1000", "0.5", "once")).String("status"));
    }

    [Fact]
    public async Task Orders_without_a_client_order_id_get_one()
    {
        var trader = await Gateway.NewTrader();
        var placed = await trader.Post("/api/v1/orders", new { symbol = Symbol, side = "buy", type = "limit", price = "10", size = "0.001" });
        Assert.StartsWith("gw-", placed.String("clientOrderId"), StringComparison.Ordinal);
        Assert.Equal(placed.Long("orderId"), (await trader.Get($"/api/v1/orders/by-client-id/{placed.String("clientOrderId")}")).Long("orderId"));
    }

    [Fact]
    public async Task Cancel_all_cancels_in_one_market_or_in_all()
    {
        var other = await Gateway.NewMarket();
        var trader = await Gateway.NewTrader();
        await trader.Limit(Symbol, "buy", "10", "0.001");
        await trader.Limit(Symbol, "buy", "11", "0.001", "by-coid");
        await trader.Limit(Symbol, "sell", "20", "0.002");
        await trader.Limit(other, "buy", "10", "0.001");

        var byClientId = await trader.Delete($"/api/v1/orders/by-client-id/by-coid?symbol={Symbol}");
        Assert.Equal(("cancelled", "by-coid"), (byClientId.String("status"), byClientId.String("clientOrderId")));
        var inOne = await trader.Delete($"/api/v1/orders?symbol={Symbol}");
        Assert.Equal(2, inOne.Node("cancelled").AsArray().Count);
        Assert.Single((await trader.Get("/api/v1/orders")).Array);
        var inAll = await trader.Delete("/api/v1/orders");
        Assert.Equal(other, S(Assert.Single(inAll.Node("cancelled").AsArray()), "symbol"));
        Assert.Empty((await trader.Get("/api/v1/orders")).Array);
    }

    [Fact]
    public async Task An_order_id_held_in_two_markets_needs_its_symbol()
    {
        var other = await Gateway.NewMarket();
        var trader = await Gateway.NewTrader();
        var here = (await trader.Limit(Symbol, "buy", "10", "0.001")).Long("orderId");
        var there = (await trader.Limit(other, "buy", "10", "0.001")).Long("orderId");
        Assert.Equal(here, there); // order ids are numbered per market
        Api.Problem(await trader.Get($"/api/v1/orders/{here}"), 400, "AMBIGUOUS_ORDER_ID");
        Assert.Equal(other, (await trader.Get($"/api/v1/orders/{here}?symbol={other}")).String("symbol"));
    }

    [Fact]
    public async Task Withdrawals_are_once_per_transfer_id_and_within_the_margin_rules()
    {
        var trader = await Gateway.NewTrader("1000");
        var withdrawn = await trader.Post("/api/v1/withdrawals", new { amount = "250.5", transferId = "w-1" });
        Assert.True(withdrawn.Status == 200, withdrawn.ToString());
        Assert.Equal(("749.5", false), (withdrawn.String("collateral"), withdrawn.Node("duplicate").GetValue<bool>()));
        var again = await trader.Post("/api/v1/withdrawals", new { amount = "250.5", transferId = "w-1" });
        Assert.Equal(("749.5", true), (again.String("collateral"), again.Node("duplicate").GetValue<bool>()));
        Api.Problem(await trader.Post("/api/v1/withdrawals", new { amount = "1", transferId = "w-1" }), 409, "TRANSFER_ID_CONFLICT");
        Api.Problem(await trader.Post("/api/v1/withdrawals", new { amount = "749.6", transferId = "w-2" }), 422, "INSUFFICIENT_FUNDS");
        Assert.Equal("749.5", (await trader.Get("/api/v1/account")).String("collateral"));
        Assert.Equal("749.5", (await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/accounts/{trader.AccountId}")).String("collateral"));
    }
}
