using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>An operator reconciles a record of acknowledged orders with the market, many at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderReconcileApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task The_market_lists_the_orders_it_does_not_know_and_refuses_a_bad_list()
    {
        var trader = await Gateway.NewTrader();
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "90", "0.1", "known-resting")).Status);
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "90", "0.1", "known-cancelled")).Status);
        Assert.Equal(200, (await trader.Delete($"/api/v1/orders/by-client-id/known-cancelled?symbol={Symbol}")).Status);

        var answer = await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}/orders/reconcile", $$"""
            {"orders":[{"accountId":{{trader.AccountId}},"clientOrderId":"known-resting"},
                       {"accountId":{{trader.AccountId}},"clientOrderId":"never-sent"},
                       {"accountId":{{trader.AccountId}},"clientOrderId":"known-cancelled"},
                       {"accountId":{{trader.AccountId + 1}},"clientOrderId":"known-resting"}]}
            """);

        Assert.True(answer.Status == 200, answer.ToString());
        Assert.Equal(4, answer.Node("checked").GetValue<int>());
        Assert.Equal([(trader.AccountId, "never-sent"), (trader.AccountId + 1, "known-resting")],
            answer.Node("unknown").AsArray().Select(u => (u!["accountId"]!.GetValue<long>(), u["clientOrderId"]!.GetValue<string>())));

        var tooMany = string.Join(",", Enumerable.Range(0, 257).Select(i => $$"""{"accountId":1,"clientOrderId":"c{{i}}"}"""));
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}/orders/reconcile", $$"""{"orders":[{{tooMany}}]}"""), 400, "INVALID_FIELD");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}/orders/reconcile", """{"orders":[{"accountId":1,"clientOrderId":"has space"}]}"""), 400, "INVALID_CLIENT_ORDER_ID");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}/orders/reconcile", """{"orders":[{"clientOrderId":"x"}]}"""), 400, "MISSING_FIELD");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/markets/NOPE-PERP/orders/reconcile", """{"orders":[]}"""), 404, "UNKNOWN_MARKET");
    }
}
