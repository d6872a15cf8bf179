using Exchange.Markets;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Tests.Gateway;

/// <summary>
/// A trader asks for an order the market's memory no longer holds (closed long ago, or accepted long ago and still
/// resting with fills): the gateway answers with the whole order, read from the journal, not 404.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OldOrderApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Orders_older_than_the_markets_memory_are_still_described_in_full()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres,
            siloServices: s => s.Configure<MarketOptions>(o => o.RecentEvents = 20));
        var symbol = await gateway.NewMarket();
        var (maker, taker, busy) = (await gateway.NewTrader(), await gateway.NewTrader(), await gateway.NewTrader());

        var filled = (await maker.Limit(symbol, "sell", "100", "0.3", "old-filled")).Long("orderId");
        var resting = (await maker.Limit(symbol, "sell", "101", "0.5", "old-resting")).Long("orderId");
        Assert.Equal(201, (await taker.Market(symbol, "buy", "0.4")).Status);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(201, (await busy.Limit(symbol, "buy", "90", "0.1", $"busy-{i}")).Status);
            Assert.Equal(200, (await busy.Delete($"/api/v1/orders/by-client-id/busy-{i}?symbol={symbol}")).Status);
        }

        var closed = await maker.Get($"/api/v1/orders/by-client-id/old-filled?symbol={symbol}");
        Assert.True(closed.Status == 200, closed.ToString());
        Assert.Equal((filled, "filled", "0.3", "100"), (closed.Long("orderId"), closed.String("status"), closed.String("filledSize"), closed.String("averagePrice")));
        Assert.Single(closed.Node("fills").AsArray());

        var partly = await maker.Get($"/api/v1/orders/{resting}?symbol={symbol}");
        Assert.True(partly.Status == 200, partly.ToString());
        Assert.Equal(("partially_filled", "0.1", "101"), (partly.String("status"), partly.String("filledSize"), partly.String("averagePrice")));

        Api.Problem(await taker.Get($"/api/v1/orders/{filled}?symbol={symbol}"), 404, "ORDER_NOT_FOUND");
    }
}
