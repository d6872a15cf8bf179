using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Exchange.Silo;

/// <summary>
/// How a silo finds its cluster. <c>Exchange:Clustering</c>: <c>Localhost</c> (default: a single-machine development
/// cluster) or <c>AdoNet</c> (membership in the PostgreSQL database of <c>ConnectionStrings:Exchange</c>, so silos on
/// different hosts find each other). Not <c>Orleans:Clustering</c>: Orleans reads that key itself as a provider section.
/// From the "Orleans" section: <c>SiloPort</c> (11111), <c>GatewayPort</c> (30000), <c>ClusterId</c>/<c>ServiceId</c>
/// (dev), and for AdoNet <c>AdvertisedAddress</c>: the address other silos and gateways reach this one at (default:
/// this host's first IPv4 address).
/// </summary>
public sealed record SiloClustering(string Kind, int SiloPort, int GatewayPort, string ClusterId, string ServiceId,
    string? AdvertisedAddress, string? Database)
{
    public const string Setting = "Exchange:Clustering", Localhost = "Localhost", AdoNet = "AdoNet";

    public static SiloClustering From(IConfiguration configuration, string? postgres)
    {
        var section = configuration.GetSection("Orleans");
        var kind = configuration[Setting] ?? Localhost;
        if (!kind.Equals(Localhost, StringComparison.OrdinalIgnoreCase) && !kind.Equals(AdoNet, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{Setting} must be {Localhost} or {AdoNet}, not '{kind}'");
        if (kind.Equals(AdoNet, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(postgres))
            throw new InvalidOperationException($"{Setting}={AdoNet} keeps membership in PostgreSQL: set ConnectionStrings:Exchange");
        return new SiloClustering(kind, section.GetValue("SiloPort", 11111), section.GetValue("GatewayPort", 30000),
            section["ClusterId"] ?? "dev", section["ServiceId"] ?? "dev", section["AdvertisedAddress"], postgres);
    }

    public bool IsAdoNet => Kind.Equals(AdoNet, StringComparison.OrdinalIgnoreCase);

    public void Apply(ISiloBuilder silo)
    {
        if (!IsAdoNet)
        {
            silo.UseLocalhostClustering(SiloPort, GatewayPort, null, ServiceId, ClusterId);
            return;
        }
        silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", Database));
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        silo.ConfigureEndpoints(Advertised(), SiloPort, GatewayPort, listenOnAnyHostAddress: true);
    }

    // In a container the host name resolves to the container's network address, which is what peers must dial.
    private IPAddress Advertised() => AdvertisedAddress is { Length: > 0 } text
        ? IPAddress.TryParse(text, out var address) ? address : Dns.GetHostAddresses(text).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        : Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? IPAddress.Loopback;
}
