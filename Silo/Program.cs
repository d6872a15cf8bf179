using Exchange;
using Exchange.Persistence;
using Exchange.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// An exchange silo hosting the market grains (Exchange:Clustering picks localhost or PostgreSQL membership, see
// SiloClustering). With ConnectionStrings:Exchange set (for example the environment variable
// ConnectionStrings__Exchange) the journal is PostgreSQL and the schema is migrated at start-up; without it the
// markets live in memory and are lost when the silo stops. With Exchange:Health:Port set it serves /health/live and
// /health/ready on that port (SiloHealth).
var builder = Host.CreateApplicationBuilder(args);
var postgres = builder.Configuration.GetConnectionString("Exchange");
builder.AddExchangeSilo(postgres);
builder.AddSiloHealthEndpoint(); // Exchange:Health:Port, e.g. Exchange__Health__Port=8081
using var host = builder.Build();

if (postgres is null)
    Console.Error.WriteLine("WARNING: no ConnectionStrings:Exchange configured: running on an IN-MEMORY journal. Nothing survives a restart.");
else
    await new MigrationRunner(postgres).ApplyAsync();

await host.StartAsync();
try
{
    // Exchange:DemoMarkets=false: an empty venue (a deployment that creates its own markets, the stress lab's cluster).
    if (builder.Configuration.GetValue("Exchange:DemoMarkets", true))
        await SiloSetup.CreateDemoMarketsAsync(host.Services.GetRequiredService<IClusterClient>(), Console.Out);
}
catch (Exception ex) when (ex is OrleansException or TimeoutException or UnavailableException or System.Data.Common.DbException)
{
    // A silo joining a busy cluster (a replacement, a scale-up) may find a market moving or the database away: the
    // markets exist already or another silo creates them, and this silo serves either way. Never a reason to exit.
    // The database away arrives as the registry's own error (an Npgsql exception, a DbException): a replacement silo
    // whose check met a database stop once exited on it, leaving the cluster a silo short.
    Console.Error.WriteLine($"The demo markets could not be checked now ({ex.GetType().Name}: {ex.Message}); the silo serves on.");
}
Console.WriteLine($"Silo running ({(postgres is null ? "in-memory journal" : "PostgreSQL journal")}). Press Ctrl+C to stop.");
await host.WaitForShutdownAsync();
