using System.Text.Json.Nodes;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>An operator reads many accounts' views in one request: each the same view as the one-account read.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountViewsApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task Each_account_is_the_one_account_view_and_unknown_ids_are_listed_apart()
    {
        var buyer = await Gateway.NewTrader();
        var seller = await Gateway.NewTrader("250000");
        Assert.Equal(201, (await seller.Limit(Symbol, "sell", "100", "0.3")).Status);
        Assert.Equal(201, (await buyer.Limit(Symbol, "buy", "100", "0.3", timeInForce: "ioc")).Status);
        // The accounts hear of their fills one way: wait until both views show the trade.
        await Polling.Eventually(async () =>
        {
            Assert.Single((await One(buyer.AccountId)).Node("positions").AsArray());
            Assert.Single((await One(seller.AccountId)).Node("positions").AsArray());
        });

        var answer = await Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/accounts/views",
            $$"""{"accountIds":[{{seller.AccountId}},{{buyer.AccountId}},999999,{{seller.AccountId}}]}""");

        Assert.True(answer.Status == 200, answer.ToString());
        var accounts = answer.Node("accounts").AsArray();
        Assert.Equal([seller.AccountId, buyer.AccountId], accounts.Select(a => a!["accountId"]!.GetValue<long>()));
        Assert.Equal((await One(seller.AccountId)).Json!.ToJsonString(), accounts[0]!.ToJsonString());
        Assert.Equal((await One(buyer.AccountId)).Json!.ToJsonString(), accounts[1]!.ToJsonString());
        Assert.Equal("-0.3", accounts[0]!["positions"]![0]!["size"]!.GetValue<string>());
        Assert.Equal([999999L], answer.Node("unknown").AsArray().Select(id => id!.GetValue<long>()));
    }

    [Fact]
    public async Task A_bad_list_is_refused_with_its_code()
    {
        var tooMany = string.Join(",", Enumerable.Range(1, 1_001));
        Api.Problem(await Views($$"""{"accountIds":[{{tooMany}}]}"""), 400, "INVALID_FIELD");
        Api.Problem(await Views("""{"accountIds":["1"]}"""), 400, "INVALID_FIELD");
        Api.Problem(await Views("""{"accountIds":[0]}"""), 400, "INVALID_FIELD");
        Api.Problem(await Views("""{"accountIds":[1.5]}"""), 400, "INVALID_FIELD");
        Api.Problem(await Views("""{}"""), 400, "MISSING_FIELD");
        Api.Problem(await Views("""{"accountIds":[],"more":1}"""), 400, "UNKNOWN_FIELD");
        var empty = await Views("""{"accountIds":[]}""");
        Assert.True(empty.Status == 200, empty.ToString());
        Assert.Empty(empty.Node("accounts").AsArray());
    }

    private Task<Api.Response> One(long accountId) => Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/accounts/{accountId}", null);

    private Task<Api.Response> Views(string body) => Api.Send(Gateway.Admin, HttpMethod.Post, "/admin/v1/accounts/views", body);
}
