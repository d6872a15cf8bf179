using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Liquidation through the API: the operator gives a market its insurance fund, a trader's account shows its liquidation
/// price and margin ratio, a mark below it liquidates the position through the book, and the public feeds show the step,
/// the fee paid into the fund and the trade marked as a liquidation; the audit still balances. (Tick 0.5, lot 0.001.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LiquidationApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private Task<Api.Response> Admin(string path, string body) => Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}{path}", body);

    private Task<Api.Response> Public(string path) => Api.Send(Gateway.Anonymous, HttpMethod.Get, path);

    [Fact]
    public async Task A_long_below_its_liquidation_price_is_closed_through_the_book_and_the_fee_goes_to_the_fund()
    {
        var (fund, maker, victim, bidder) = (await Gateway.NewTrader("10"), await Gateway.NewTrader(), await Gateway.NewTrader("120"), await Gateway.NewTrader());
        Api.Problem(await Public($"/api/v1/markets/{Symbol}/insurance-fund"), 422, "NO_LIQUIDATION_RULES");
        Api.Problem(await Admin("/liquidation", $$"""{"fundAccountId":{{fund.AccountId}},"feeBps":5000}"""), 400, "INVALID_LIQUIDATION_RULES");
        var set = await Admin("/liquidation", $$"""{"fundAccountId":{{fund.AccountId}},"feeBps":50,"cooldownMs":0,"fundLossCapBps":2000}""");
        Assert.True(set.Status == 200, set.ToString());
        Assert.Equal(("10", 50), (set.String("balance"), set.Node("feeBps").GetValue<int>()));

        // The victim buys 1 at 1,000 (1,000 USD, 10x on 120 USD, 0.5 USD taker fee): under maintenance below 926.8.
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "1000", "1")).Status);
        Assert.Equal(201, (await victim.Limit(Symbol, "buy", "1000", "1", timeInForce: "ioc")).Status);
        var account = await victim.Get("/api/v1/account");
        var position = account.Node("positions").AsArray().Single()!;
        Assert.Equal("926.5", position["liquidationPrice"]!.GetValue<string>());
        Assert.Equal("0.41841", account.String("marginRatio")); // 50 USD (5% of 1,000) over 119.5 USD, to the ppm

        Assert.Equal(201, (await bidder.Limit(Symbol, "buy", "890", "1")).Status);
        Assert.Equal(200, (await Admin("/mark-price", """{"price":"900"}""")).Status);

        // Equity 19.5 USD against 45 of maintenance: the book takes the position at 890 (above the 880.5 bankruptcy price).
        var steps = await Polling.Eventually(async () =>
        {
            var found = await Public($"/api/v1/liquidations?symbol={Symbol}");
            Assert.True(found.Array.Count >= 2, found.ToString());
            return found.Array;
        });
        var book = steps.Single(s => s!["step"]!.GetValue<string>() == "book")!;
        Assert.Equal(("sell", "890", "1"), (book["side"]!.GetValue<string>(), book["price"]!.GetValue<string>(), book["size"]!.GetValue<string>()));
        // The fee: 0.5% of 890 USD, well inside the 9.5 USD the account has left at the mark.
        Assert.Equal("4.45", steps.Single(s => s!["step"]!.GetValue<string>() == "fee")!["amount"]!.GetValue<string>());
        var fundView = await Public($"/api/v1/markets/{Symbol}/insurance-fund");
        Assert.Equal("14.45", fundView.String("balance"));
        Assert.Contains((await Public($"/api/v1/markets/{Symbol}/trades")).Array, t => t!["liquidation"]!.GetValue<bool>());
        Api.Problem(await Public("/api/v1/liquidations"), 400, "INVALID_PARAMETER");

        // The operators' feed: the same steps oldest first, with who was liquidated and who took the other side.
        var all = await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/liquidations");
        Assert.True(all.Node("complete").GetValue<bool>(), all.ToString());
        var both = all.Node("steps").AsArray();
        Assert.Equal([(victim.AccountId, bidder.AccountId, "book"), (victim.AccountId, fund.AccountId, "fee")],
            both.Select(s => (s!["accountId"]!.GetValue<long>(), s["counterpartyId"]!.GetValue<long>(), s["step"]!["step"]!.GetValue<string>())));
        var next = all.Node("next").GetValue<long>();
        Assert.Equal(both[1]!["step"]!["sequence"]!.GetValue<long>(), next);
        var after = await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/liquidations?after={both[0]!["step"]!["sequence"]}&limit=5");
        Assert.Equal(["fee"], after.Node("steps").AsArray().Select(s => s!["step"]!["step"]!.GetValue<string>()));
        Assert.Empty((await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/liquidations?after={next}")).Node("steps").AsArray());
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/liquidations?after=-1"), 400, "INVALID_PARAMETER");
        Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/liquidations?limit=10001"), 400, "INVALID_PARAMETER");
        var liquidator = await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/liquidator");
        // The shard's scan at the new mark found the victim and the market's liquidator sent it to the book (a late scan
        // may send it again, to be refused): nothing went to the fund.
        Assert.True(liquidator.Node("batches").GetValue<long>() >= 1 && liquidator.Node("toBook").GetValue<long>() >= 1, liquidator.ToString());
        Assert.Equal((0L, 0L), (liquidator.Node("backstopped").GetValue<long>(), liquidator.Node("transfers").GetValue<long>()));
        Assert.Equal(["read", "book", "fund", "candidates", "transfers", "fundChecks"], liquidator.Node("timeMs").AsObject().Select(p => p.Key));
        // The journal's writes: every command above waited for one, and each write falls in one bucket.
        var journal = await Api.Send(Gateway.Admin, HttpMethod.Get, $"/admin/v1/markets/{Symbol}/journal");
        var writes = journal.Node("writes").GetValue<long>();
        Assert.True(writes >= 5 && journal.Node("commands").GetValue<long>() >= writes, journal.ToString());
        Assert.Equal(writes, journal.Node("buckets").AsArray().Sum(b => b!["writes"]!.GetValue<long>()));
        Assert.Null(journal.Node("buckets").AsArray()[^1]!["upToMs"]?.GetValue<long>());

        var audit = await Api.Send(Gateway.Admin, HttpMethod.Get, "/admin/v1/audit");
        Assert.True(audit.Node("balanced").GetValue<bool>(), audit.ToString());
        Assert.Equal(("14.45", "0"), (audit.String("insuranceFund"), audit.String("badDebt")));
    }

    [Fact]
    public async Task While_an_account_is_liquidated_in_slices_it_takes_no_new_risk()
    {
        var (fund, maker, victim, bidder) = (await Gateway.NewTrader("10"), await Gateway.NewTrader(), await Gateway.NewTrader("120"), await Gateway.NewTrader());
        // One lot per slice and ten minutes between slices: the liquidation is in progress for as long as the test runs.
        var set = await Admin("/liquidation", $$"""{"fundAccountId":{{fund.AccountId}},"sliceSize":"0.001","cooldownMs":600000}""");
        Assert.True(set.Status == 200, set.ToString());
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "1000", "1")).Status);
        Assert.Equal(201, (await victim.Limit(Symbol, "buy", "1000", "1", timeInForce: "ioc")).Status);
        Assert.Equal(201, (await bidder.Limit(Symbol, "buy", "890", "1")).Status);
        Assert.Equal(200, (await Admin("/mark-price", """{"price":"900"}""")).Status);

        await Polling.Eventually(async () =>
        {
            var found = await Public($"/api/v1/liquidations?symbol={Symbol}");
            Assert.Contains(found.Array, s => s!["step"]!.GetValue<string>() == "book" && s["size"]!.GetValue<string>() == "0.001");
            return found;
        });
        Api.Problem(await victim.Limit(Symbol, "buy", "800", "0.01"), 409, "LIQUIDATING");
        var account = await victim.Get("/api/v1/account");
        Assert.True(account.Node("liquidating").GetValue<bool>(), account.ToString());
        Assert.Equal("0.999", account.Node("positions").AsArray().Single()!["size"]!.GetValue<string>()); // one slice of one lot sold
    }
}
