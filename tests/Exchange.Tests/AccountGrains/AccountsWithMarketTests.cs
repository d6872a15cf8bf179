using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>The usual start of an account test: a two-silo cluster over a fresh database, with one market on it.</summary>
public abstract class AccountsWithMarketTests(PostgresFixture postgres, string symbolPrefix) : IAsyncLifetime
{
    private protected ExchangeCluster Cluster { get; private set; } = null!;

    protected string Database { get; private set; } = "";

    protected string Symbol { get; private set; } = "";

    public async Task InitializeAsync()
    {
        (Cluster, Database) = await StartCluster(postgres);
        Symbol = MarketTestData.NewSymbol(symbolPrefix);
        await Cluster.CreateMarket(Symbol);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    protected IAccountGrain Account(long id) => Cluster.Client.GetGrain<IAccountGrain>(id);

    protected IMarketGrain Market => Cluster.Market(Symbol);
}
