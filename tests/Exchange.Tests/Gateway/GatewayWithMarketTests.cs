using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>The usual start of a gateway test: a gateway over a fresh cluster and database, with one market on it.</summary>
public abstract class GatewayWithMarketTests(PostgresFixture postgres) : IAsyncLifetime
{
    protected PostgresFixture Postgres { get; } = postgres;

    private protected GatewayHarness Gateway { get; private set; } = null!;

    protected string Symbol { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Gateway = await GatewayHarness.StartAsync(Postgres);
        Symbol = await Gateway.NewMarket();
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}
