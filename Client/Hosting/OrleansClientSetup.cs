using Exchange.Hosting;
using System.Net;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Exchange.Client.Hosting;

/// <summary>
/// Connects the gateway to its cluster: <c>Exchange:Clustering=AdoNet</c> finds the silos in the membership table of
/// <c>ConnectionStrings:Exchange</c>; else, from the "Orleans" section, <c>Gateways</c> (host:port list) for static
/// clustering, else localhost clustering on <c>GatewayPort</c> (30000); <c>ClusterId</c> and <c>ServiceId</c>
/// default to the silo's local defaults. Keeps retrying until the cluster answers, so the gateway may start first.
/// </summary>
public static class OrleansClientSetup
{
    public static IHostApplicationBuilder AddExchangeOrleansClient(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Orleans");
        var clusterId = section["ClusterId"] ?? "dev";
        var serviceId = section["ServiceId"] ?? "dev";
        var gateways = section.GetSection("Gateways").Get<string[]>() ?? [];
        builder.UseOrleansClient(client =>
        {
            if (string.Equals(builder.Configuration["Exchange:Clustering"], "AdoNet", StringComparison.OrdinalIgnoreCase))
            {
                var postgres = builder.Configuration.GetConnectionString("Exchange")
                    ?? throw new InvalidOperationException("Exchange:Clustering=AdoNet finds silos in PostgreSQL: set ConnectionStrings:Exchange");
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", postgres));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
                // Silos come and go (scaling, rolling restarts): read the live gateways every few seconds, not every minute.
                client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            }
            else if (gateways.Length == 0)
            {
                client.UseLocalhostClustering(section.GetValue("GatewayPort", 30000), serviceId, clusterId);
            }
            else
            {
                client.UseStaticClustering(gateways.Select(g => IPEndPoint.Parse(g)).ToArray());
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
            }
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
            client.Services.AddExchangeExceptionSerialization();
            client.AddActivityPropagation(); // the trace of a request goes on into the grains it calls
        });
        return builder;
    }
}
