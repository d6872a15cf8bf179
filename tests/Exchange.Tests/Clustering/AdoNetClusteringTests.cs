using System.Net;
using System.Net.Sockets;
using Exchange.Hosting;
using Exchange.Markets;
using Exchange.Silo;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Messaging;

namespace Exchange.Tests.Clustering;

/// <summary>
/// Two real silo hosts (as the silo program configures them, on their own TCP ports) that find each other through
/// the membership tables of migration 0004, and a client that finds them the same way: the schema is what the
/// ADO.NET clustering provider expects, and the cluster keeps serving when one silo leaves.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AdoNetClusteringTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const string ClusterId = "adonet-test";

    [Fact]
    public async Task Silos_join_through_PostgreSQL_and_the_survivor_serves_when_one_leaves()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true, deadline.Token);
        using var first = await StartSiloAsync(database, deadline.Token);
        using var second = await StartSiloAsync(database, deadline.Token);
        Assert.Equal(2, await ActiveSilosAsync(database));

        using var client = await StartClientAsync(database, deadline.Token);
        var cluster = client.Services.GetRequiredService<IClusterClient>();
        Assert.Equal(CreateMarketResult.Created, await cluster.GetGrain<IMarketRegistryGrain>(0).CreateMarket(DemoMarkets.BtcPerp));

        // Whichever silo hosts the market leaves; the market must come back on the other one.
        await first.StopAsync(deadline.Token);
        Assert.Equal(1, await ActiveSilosAsync(database));
        var status = await RetryUntilAsync(() => cluster.GetGrain<IMarketGrain>(DemoMarkets.BtcPerp.Symbol).GetStatus(), deadline.Token);
        Assert.Equal(DemoMarkets.BtcPerp.Symbol, status.Symbol);
    }

    private static async Task<IHost> StartSiloAsync(string database, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SiloClustering.Setting] = SiloClustering.AdoNet,
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = ClusterId,
            ["Orleans:AdvertisedAddress"] = "127.0.0.1",
        });
        builder.AddExchangeSilo(database);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task<IHost> StartClientAsync(string database, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", database));
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, "dev"));
            client.Services.AddExchangeExceptionSerialization();
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task<long> ActiveSilosAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from OrleansMembershipTable where DeploymentId = $1 and Status = 3", connection)
            { Parameters = { new() { Value = ClusterId } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // After a silo leaves, calls routed through it fail until the client and directory catch up: retry until the deadline.
    private static async Task<T> RetryUntilAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
                                       or ConnectionFailedException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken); // polling interval, bounded by the deadline
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
