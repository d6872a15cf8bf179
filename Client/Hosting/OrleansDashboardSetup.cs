using Exchange.Client.Security;
using Orleans.Dashboard;

namespace Exchange.Client.Hosting;

/// <summary>
/// The Orleans dashboard (package Microsoft.Orleans.Dashboard) at <c>/dashboard</c>, served by the gateway as an Orleans
/// client; the silos add the dashboard too, since it keeps its statistics in grains there. It shows every grain's
/// state, so it takes the admin token unless <c>Gateway:DashboardOpen</c> is true (a local run).
/// </summary>
public static class OrleansDashboardSetup
{
    public const string Path = "/dashboard";

    /// <summary>
    /// Registers the dashboard's client services in the gateway's own container, through a client-builder view of it,
    /// so that they are there however the Orleans client was connected (Program.cs, or a test's cluster client).
    /// </summary>
    public static IServiceCollection AddGatewayDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        new ServicesClientBuilder(services, configuration).AddDashboard(o => o.HideTrace = true); // no log streaming over HTTP
        return services;
    }

    public static void Map(WebApplication app)
    {
        var dashboard = app.MapOrleansDashboard(Path).ExcludeFromDescription();
        if (!app.Configuration.GetValue<bool>("Gateway:DashboardOpen")) dashboard.RequireAdmin();
    }

    private sealed class ServicesClientBuilder(IServiceCollection services, IConfiguration configuration) : IClientBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IConfiguration Configuration { get; } = configuration;
    }
}
