using Exchange.Accounts;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Oracles;
using Exchange.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Exchange.Hosting;

/// <summary>What a silo needs to host the exchange's grains; the same for the silo host and the test clusters.</summary>
public static class ExchangeServices
{
    /// <param name="postgres">The journal database; null runs on an in-memory journal that dies with the process.</param>
    public static IServiceCollection AddExchangeGrainServices(this IServiceCollection services, string? postgres)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SnapshotWriteGate>();
        services.AddExchangeExceptionSerialization();
        // Checked when the silo starts: a bad setting stops it with the setting's name, not at the first order.
        services.AddOptions<MarketOptions>().BindConfiguration("Exchange:Markets").ValidateOnStart();
        services.AddOptions<AccountOptions>().BindConfiguration("Exchange:Accounts").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MarketOptions>>(new ProblemsValidator<MarketOptions>(o => o.Problems())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountOptions>>(new ProblemsValidator<AccountOptions>(o => o.Problems())));
        services.AddOptions<Risk.RiskOptions>().BindConfiguration("Exchange:Risk").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Risk.RiskOptions>>(new ProblemsValidator<Risk.RiskOptions>(o => o.Problems())));
        services.AddOptions<OracleOptions>().BindConfiguration("Exchange:Oracles").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OracleOptions>>(new ProblemsValidator<OracleOptions>(o => o.Problems())));
        if (postgres is null)
        {
            services.TryAddSingleton<IMarketJournal, InMemoryMarketJournal>();
            services.TryAddSingleton<IAccountStore, InMemoryAccountStore>();
            services.AddOptions<MemoryGrainStorageOptions>(OracleStorage.Name);
            services.AddTransient<IPostConfigureOptions<MemoryGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<MemoryGrainStorageOptions>>();
            services.AddGrainStorage(OracleStorage.Name, MemoryGrainStorageFactory.Create);
        }
        else
        {
            services.TryAddSingleton(_ => NpgsqlDataSource.Create(postgres));
            services.TryAddSingleton<IMarketJournal, PostgresMarketJournal>();
            services.TryAddSingleton<IAccountStore, PostgresAccountStore>();
            // The oracles' small records (policy, feeds, followers) in the project's own schema (migration 0006).
            AddOracleStorage(services, postgres);
        }
        return services;
    }

    /// <summary>
    /// The reminder service (Orleans registers it on the silo builder, not on the services): in PostgreSQL
    /// (migration 0009) when there is a database, so that a wake-up outlives the silo that registered it, in memory
    /// otherwise. Every silo that hosts the exchange's grains calls this beside <see cref="AddExchangeGrainServices"/>.
    /// </summary>
    public static ISiloBuilder AddExchangeReminders(this ISiloBuilder silo, string? postgres)
    {
        if (postgres is null) return silo.UseInMemoryReminderService();
        // Through the silo's data source (AddExchangeGrainServices registers it), so that the reminder table's connections
        // are pooled with the journal's and closed with the silo, not left in a process-wide pool per connection string.
        silo.UseAdoNetReminderService(options => options.Configure<IServiceProvider>((o, services) =>
            (o.Invariant, o.DataSource) = ("Npgsql", services.GetRequiredService<NpgsqlDataSource>())));
        // As the oracles' storage: a silo starts without its database (StartedOnFirstUseReminderTable).
        var registered = silo.Services.Last(d => d.ServiceType == typeof(IReminderTable));
        silo.Services.Remove(registered);
        silo.Services.AddSingleton<IReminderTable>(sp => new StartedOnFirstUseReminderTable((IReminderTable)(
            registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
        return silo;
    }

    /// <summary>
    /// Orleans' ADO.NET grain storage, as <c>AddAdoNetGrainStorage</c> registers it, except that it starts on first use
    /// (<see cref="StartedOnFirstUseGrainStorage"/>) rather than with the silo.
    /// </summary>
    private static void AddOracleStorage(IServiceCollection services, string postgres)
    {
        var before = services.Count;
        services.AddAdoNetGrainStorage(OracleStorage.Name, o => (o.Invariant, o.ConnectionString) = ("Npgsql", postgres));
        for (var i = services.Count - 1; i >= before; i--)
            if (services[i].ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>)
                || (services[i].ServiceType == typeof(IGrainStorage) && Equals(services[i].ServiceKey, OracleStorage.Name)))
                services.RemoveAt(i);
        services.AddKeyedSingleton<IGrainStorage>(OracleStorage.Name, (sp, _) =>
        {
            var storage = AdoNetGrainStorageFactory.Create(sp, OracleStorage.Name);
            return new StartedOnFirstUseGrainStorage(storage, storage);
        });
    }
}

/// <summary>Options validation from a list of problems, each reported in the operator's words.</summary>
internal sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        problems(options).ToList() is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
}
