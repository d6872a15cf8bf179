using Exchange.Hosting;
using Exchange.Markets;
using Exchange.Persistence;
using Exchange.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

// A local single-silo cluster hosting the market grains. With ConnectionStrings:Exchange set (for example
// the environment variable ConnectionStrings__Exchange) the journal is PostgreSQL and the schema is migrated
// at start-up; without it the markets live in memory and are lost when the silo stops.
var builder = Host.CreateApplicationBuilder(args);
var postgres = builder.Configuration.GetConnectionString("Exchange");
builder.Services.AddExchangeGrainServices(postgres);
// Activity propagation carries a gateway request's trace into the grains; the dashboard keeps the statistics that
// the gateway's /dashboard shows.
builder.UseOrleans(silo => silo.UseLocalhostClustering().AddActivityPropagation().AddDashboard());
using var host = builder.Build();

if (postgres is null)
    Console.Error.WriteLine("WARNING: no ConnectionStrings:Exchange configured: running on an IN-MEMORY journal. Nothing survives a restart.");
else
    await new MigrationRunner(postgres).ApplyAsync();

await host.StartAsync();
var client = host.Services.GetRequiredService<IClusterClient>();
foreach (var spec in DemoMarkets.All)
{
    var created = await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec);
    var status = await client.GetGrain<IMarketGrain>(spec.Symbol).GetStatus();
    Console.WriteLine($"{spec.Symbol}: {created}; mode {status.Mode}, sequence {status.Sequence}, " +
                      $"{status.RestingOrders} resting orders, state hash {status.StateHash:X16}");
}
Console.WriteLine($"Silo running ({(postgres is null ? "in-memory journal" : "PostgreSQL journal")}). Press Ctrl+C to stop.");
await host.WaitForShutdownAsync();
