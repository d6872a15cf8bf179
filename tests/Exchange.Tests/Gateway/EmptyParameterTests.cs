using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>An empty query value is refused, never read as "any": <c>?symbol=</c> must not cancel in every market.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EmptyParameterTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task Cancel_all_with_an_empty_symbol_is_refused_and_cancels_nothing()
    {
        var trader = await Gateway.NewTrader("1000");
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "90", "0.001")).Status);

        Api.Problem(await trader.Delete("/api/v1/orders?symbol="), 400, "INVALID_PARAMETER");
        Api.Problem(await trader.Get("/api/v1/orders?status="), 400, "INVALID_PARAMETER");

        Assert.Single((await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array);
    }
}
