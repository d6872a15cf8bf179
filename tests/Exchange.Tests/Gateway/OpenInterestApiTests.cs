using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Open-interest caps through the API: the operator sets a market's caps (journaled), the market and its ticker show them
/// with the open interest, an order that could take the market's open interest or an account's position past its cap is
/// refused with OPEN_INTEREST_LIMIT (422) and changes nothing, and an order that closes a position is always taken.
/// (Tick 0.5, lot 0.001.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenInterestApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private Task<Api.Response> SetLimits(string body) =>
        Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}/open-interest", body);

    private Task<Api.Response> Market() => Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}");

    [Fact]
    public async Task Orders_beyond_the_caps_are_refused_with_a_stable_code_and_closing_orders_are_always_taken()
    {
        var (maker, taker, late) = (await Gateway.NewTrader(), await Gateway.NewTrader(), await Gateway.NewTrader());
        var market = await Market();
        Assert.Equal("0", market.String("openInterest"));
        Assert.Null(market.Json!["maxOpenInterest"]);

        Api.Problem(await SetLimits("""{"maxOpenInterest":"-1"}"""), 400, "INVALID_OPEN_INTEREST_LIMITS");
        Api.Problem(await SetLimits("""{"maxPositionSize":"0.0005"}"""), 400, "INVALID_OPEN_INTEREST_LIMITS");
        Api.Problem(await SetLimits("""{"maxOpenInterest":"2","other":1}"""), 400, "UNKNOWN_FIELD");
        var set = await SetLimits("""{"maxOpenInterest":"2","maxPositionSize":"1.5"}""");
        Assert.True(set.Status == 200, set.ToString());
        Assert.Equal(("2", "1.5"), (set.String("maxOpenInterest"), set.String("maxPositionSize")));
        Api.Problem(await SetLimits("""{"maxOpenInterest":"2"}"""), 409, "NO_CHANGE");

        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "1000", "1.5")).Status);
        Assert.Equal(201, (await taker.Limit(Symbol, "buy", "1000", "1.5", timeInForce: "ioc")).Status);
        Assert.Equal("1.5", (await Market()).String("openInterest"));
        var ticker = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/ticker");
        Assert.Equal(("1.5", "2", "1.5"), (ticker.String("openInterest"), ticker.String("maxOpenInterest"), ticker.String("maxPositionSize")));

        // The taker's position is at its cap: more is refused by its account; the market's cap refuses the late trader's
        // sell of 1 (open interest would be 2.5), and takes 0.5 (exactly 2).
        Api.Problem(await taker.Limit(Symbol, "buy", "900", "0.001"), 422, "OPEN_INTEREST_LIMIT");
        Api.Problem(await late.Limit(Symbol, "sell", "1100", "1"), 422, "OPEN_INTEREST_LIMIT");
        Assert.Empty((await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book")).Node("asks").AsArray());
        Assert.Equal(201, (await late.Limit(Symbol, "sell", "1100", "0.5")).Status);
        // At the cap, the taker closes its long whoever it trades with.
        Assert.Equal(201, (await taker.Limit(Symbol, "sell", "1050", "1.5")).Status);

        var lifted = await SetLimits("""{"maxOpenInterest":"0","maxPositionSize":"0"}""");
        Assert.True(lifted.Status == 200, lifted.ToString());
        Assert.Null(lifted.Json!["maxOpenInterest"]);
        Assert.Equal(201, (await late.Limit(Symbol, "sell", "1100", "1")).Status);
        Assert.True((await Gateway.Audit()).Node("balanced").GetValue<bool>());
    }
}
