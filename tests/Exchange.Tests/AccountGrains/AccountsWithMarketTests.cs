using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using Microsoft.Extensions.DependencyInjection;
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
        (Cluster, Database) = await StartCluster(postgres, configure: ConfigureSilo);
        Symbol = MarketTestData.NewSymbol(symbolPrefix);
        await Cluster.CreateMarket(Symbol);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Every event of a market (the test's own unless named), read straight from its journal in PostgreSQL.</summary>
    protected async Task<List<MarketEvent>> JournalEvents(string? symbol = null)
    {
        var found = new List<MarketEvent>();
        await foreach (var e in EventsFromJournal(Database, symbol ?? Symbol)) found.Add(e);
        return found;
    }

    /// <summary>Extra silo services for a test class (a call filter that injects a fault, say).</summary>
    protected virtual void ConfigureSilo(IServiceCollection services)
    {
    }

    protected IAccountGrain Account(long id) => Cluster.Client.GetGrain<IAccountGrain>(id);

    protected IMarketGrain Market => Cluster.Market(Symbol);
}
