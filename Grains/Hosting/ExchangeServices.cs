using Exchange.Accounts;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Serialization;

namespace Exchange.Hosting;

/// <summary>What a silo needs to host the exchange's grains; the same for the silo host and the test clusters.</summary>
public static class ExchangeServices
{
    /// <param name="postgres">The journal database; null runs on an in-memory journal that dies with the process.</param>
    public static IServiceCollection AddExchangeGrainServices(this IServiceCollection services, string? postgres)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddExchangeExceptionSerialization();
        services.AddOptions<MarketOptions>().BindConfiguration("Exchange:Markets");
        services.AddOptions<AccountOptions>().BindConfiguration("Exchange:Accounts");
        if (postgres is null)
        {
            services.TryAddSingleton<IMarketJournal, InMemoryMarketJournal>();
            services.TryAddSingleton<IAccountStore, InMemoryAccountStore>();
        }
        else
        {
            services.TryAddSingleton(_ => NpgsqlDataSource.Create(postgres));
            services.TryAddSingleton<IMarketJournal, PostgresMarketJournal>();
            services.TryAddSingleton<IAccountStore, PostgresAccountStore>();
        }
        return services;
    }
}
