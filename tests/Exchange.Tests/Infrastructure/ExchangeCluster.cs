using Exchange.Hosting;
using Exchange.Markets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Exchange.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans cluster hosting the exchange's grains against a real PostgreSQL database. Each test
/// class starts its own, on a fresh database, so tests never see each other's markets.
/// </summary>
public sealed class ExchangeCluster : IAsyncDisposable
{
    private ExchangeCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public IMarketGrain Market(string symbol) => Client.GetGrain<IMarketGrain>(symbol);

    public IMarketRegistryGrain Registry => Client.GetGrain<IMarketRegistryGrain>(0);

    /// <param name="postgres">The journal database; null for the in-memory journal.</param>
    /// <param name="configure">Extra silo services (registered before the exchange's, so they win).</param>
    /// <param name="serviceId">The service's id, for a test that restarts the cluster on the same grain storage (which
    /// is keyed by it); otherwise each cluster gets its own.</param>
    /// <param name="responseTimeout">How long the test's client waits for an answer (30 s unless given): a call stranded on
    /// a killed silo is never rejected, only timed out.</param>
    public static async Task<ExchangeCluster> StartAsync(string? postgres, short silos = 2,
        Action<IServiceCollection>? configure = null, Action<MarketOptions>? options = null, string? serviceId = null,
        TimeSpan? responseTimeout = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        if (serviceId is not null) builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            // As the silo host does: traces go on into the grains, and the gateway's dashboard has its grains here.
            silo.AddActivityPropagation().AddDashboard();
            configure?.Invoke(silo.Services);
            silo.Services.AddExchangeGrainServices(postgres);
            silo.AddExchangeReminders(postgres);
            if (options is not null) silo.Services.Configure(options);
        });
        builder.ConfigureClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(30));
            client.Services.AddExchangeExceptionSerialization();
            client.AddActivityPropagation();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await EverySiloSeesEveryOther(cluster);
        return new ExchangeCluster(cluster);
    }

    /// <summary>
    /// Until each silo's membership view shows every silo active. Orleans' default grain directory is eventually
    /// consistent: while the silos' views of the cluster still differ, a grain first called from two of them (a risk
    /// shard, say, by an account's report and by the liquidator) can be activated on both, and each activation then
    /// sees half of the traffic. A test that starts working the moment the cluster is deployed must not start there.
    /// </summary>
    private static Task EverySiloSeesEveryOther(InProcessTestCluster cluster) =>
        Polling.Eventually(() =>
        {
            var silos = cluster.Silos;
            foreach (var silo in silos)
            {
                var view = silo.SiloHost.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
                var active = view.Members.Values.Count(m => m.Status == SiloStatus.Active);
                if (active != silos.Count) throw new InvalidOperationException($"silo {silo.SiloAddress} sees {active} of {silos.Count} silos active");
            }
            return Task.FromResult(true);
        });

    /// <summary>The silo that hosts a grain's activation now (activating it if needed).</summary>
    public async Task<InProcessSiloHandle> SiloHosting(IAddressable grain)
    {
        var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain)
            ?? throw new InvalidOperationException("grain is not active");
        return Cluster.Silos.Single(s => s.SiloAddress.Equals(address));
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
