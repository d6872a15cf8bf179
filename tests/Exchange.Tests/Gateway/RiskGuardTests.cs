using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Guards a trader meets at the API: an amend conditional on the open size it read (a fill in between is
/// <c>ORDER_CHANGED</c>), and no withdrawal while a market the account holds has a stale index (<c>MARK_UNTRUSTED</c>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RiskGuardTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task An_amend_on_an_open_size_a_fill_has_changed_is_refused_and_changes_nothing()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        var id = (await maker.Limit(Symbol, "sell", "100", "0.3")).Long("orderId");
        Assert.Equal(201, (await taker.Limit(Symbol, "buy", "100", "0.1")).Status); // fills 0.1 of it

        // The maker read 0.3 before the fill: its amend on that open size is refused...
        Api.Problem(await maker.Send(HttpMethod.Patch, $"/api/v1/orders/{id}?symbol={Symbol}", """{"price":"101","openSize":"0.3"}"""),
            409, "ORDER_CHANGED");
        var unchanged = await maker.Get($"/api/v1/orders/{id}?symbol={Symbol}");
        Assert.Equal(("100", "0.1"), (unchanged.String("price"), unchanged.String("filledSize")));

        // ...and on the open size that is really left, it applies.
        var amended = await maker.Send(HttpMethod.Patch, $"/api/v1/orders/{id}?symbol={Symbol}", """{"price":"101","openSize":"0.2"}""");
        Assert.True(amended.Status == 200, amended.ToString());
        Assert.Equal("101", amended.String("price"));
    }

    [Fact]
    public async Task While_the_index_of_a_market_it_holds_is_stale_an_account_cannot_withdraw()
    {
        var index = await Gateway.NewIndex(minFeeds: 2, staleAfterMs: 2_500);
        var feeds = new[] { await Gateway.NewFeed(index, "a"), await Gateway.NewFeed(index, "b"), await Gateway.NewFeed(index, "c") };
        var symbol = await Gateway.NewIndexedMarket(index);
        // Fresh prices until the market has reopened through its auction.
        await Polling.Eventually(async () =>
        {
            foreach (var feed in feeds) Assert.Equal(200, (await feed.Publish("64000")).Status);
            var market = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}");
            return market.String("mode") == "open" ? true : throw new InvalidOperationException($"not open yet: {market}");
        }, TimeSpan.FromSeconds(30));

        var seller = await Gateway.NewTrader();
        var buyer = await Gateway.NewTrader();
        Assert.Equal(201, (await seller.Limit(symbol, "sell", "64000", "0.01")).Status);
        Assert.Equal(201, (await buyer.Limit(symbol, "buy", "64000", "0.01")).Status);
        Assert.Equal(200, (await buyer.Post("/api/v1/withdrawals", new { amount = "1", transferId = "w-fresh" })).Status);

        // The feeds fall silent: the index goes stale, the market cancel-only, and the buyer's mark cannot be trusted.
        await Polling.Eventually(async () =>
        {
            var market = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}");
            return market.String("mode") == "cancel_only" ? true : throw new InvalidOperationException($"not cancel-only yet: {market}");
        }, TimeSpan.FromSeconds(30));
        Api.Problem(await buyer.Post("/api/v1/withdrawals", new { amount = "1", transferId = "w-stale" }), 503, "MARK_UNTRUSTED");
        // An account with nothing in that market is not held back.
        Assert.Equal(200, (await (await Gateway.NewTrader()).Post("/api/v1/withdrawals", new { amount = "1", transferId = "w-other" })).Status);
    }
}
