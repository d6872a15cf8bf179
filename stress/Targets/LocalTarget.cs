using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Exchange.Client.Hosting;
using Exchange.LocalPostgres;
using Exchange.Persistence;
using Exchange.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Stress.Targets;

/// <summary>
/// An exchange in the runner's process: one silo and the gateway (on Kestrel at a free loopback port, so the runner
/// talks real HTTP) over PostgreSQL: the given database, else a throwaway private server in a temporary directory that
/// is stopped and deleted on dispose. The gateway's rate limits are lifted (the scenario decides the load). It cannot
/// lose its silo without losing the runner, so it injects no infrastructure fault.
/// </summary>
public sealed class LocalTarget : IExchangeTarget
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromMinutes(3);

    private readonly WebApplication _app;
    private readonly PrivatePostgresServer? _server;
    private readonly string? _temporaryDirectory;

    private LocalTarget(WebApplication app, Uri gateway, string adminToken, PrivatePostgresServer? server, string? temporaryDirectory)
    {
        _app = app;
        Gateway = gateway;
        AdminToken = adminToken;
        _server = server;
        _temporaryDirectory = temporaryDirectory;
    }

    public string Kind => "local";

    public Uri Gateway { get; }

    public string AdminToken { get; }

    public InfrastructureFaults Supports => InfrastructureFaults.None;

    /// <param name="connectionString">A PostgreSQL database to use (migrations are applied); null starts a throwaway server.</param>
    public static async Task<LocalTarget> StartAsync(string? connectionString, TextWriter log, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartupDeadline);
        PrivatePostgresServer? server = null;
        string? directory = null;
        try
        {
            if (connectionString is null)
            {
                var binaries = PostgresBinaries.FindDirectory()
                    ?? throw new InvalidOperationException("the local target starts its own PostgreSQL and needs the server binaries " +
                        "(initdb, pg_ctl; Debian/Ubuntu: apt-get install postgresql), or --postgres CONNECTION_STRING");
                directory = Path.Combine(Path.GetTempPath(), $"exchange-stress-{Guid.NewGuid():N}");
                log.WriteLine($"local target: starting a throwaway PostgreSQL in {directory}");
                server = await PrivatePostgresServer.StartAsync(binaries, directory, deadline.Token);
                connectionString = server.ConnectionString;
            }
            await new MigrationRunner(connectionString).ApplyAsync(deadline.Token);
            var adminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var app = Build(connectionString, adminToken);
            await app.StartAsync(deadline.Token);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            log.WriteLine($"local target: silo and gateway at {address}");
            return new LocalTarget(app, new Uri(address), adminToken, server, directory);
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            DeleteDirectory(directory);
            throw;
        }
    }

    private static WebApplication Build(string connectionString, string adminToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddConsole();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Exchange"] = connectionString,
            ["Gateway:AdminToken"] = adminToken,
            ["Gateway:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Gateway:WebSocketConnectionsPerAddress"] = "10000",
            // A port of our own, so a run beside a local exchange (or another run) does not meet it.
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The run reports what the API answered; the exchange's own log would drown the progress line. Errors only,
            // and not the messages Orleans logs while the silo shuts down under the gateway's last polls.
            ["Logging:LogLevel:Default"] = "Error",
            ["Logging:LogLevel:Orleans.Messaging"] = "Critical",
            ["Logging:LogLevel:Orleans.Runtime.Messaging"] = "Critical",
            ["Orleans:ClusterId"] = "stress",
            ["Orleans:ServiceId"] = "stress",
        };
        foreach (var policy in new[] { "Orders", "Cancels", "Queries", "Public", "Feeds", "Authentication", "WebSocketMessages" })
        {
            settings[$"Gateway:RateLimits:{policy}:Burst"] = "1000000";
            settings[$"Gateway:RateLimits:{policy}:PerSecond"] = "1000000";
        }
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddExchangeSilo(connectionString);
        builder.Services.AddGateway(builder.Configuration);
        var app = builder.Build();
        app.UseGateway();
        return app;
    }

    public Task KillSiloAsync(string? symbol, CancellationToken cancellationToken) => throw Unsupported("kill a silo");

    public Task FreezeSiloAsync(string? symbol, TimeSpan duration, CancellationToken cancellationToken) => throw Unsupported("freeze a silo");

    public Task StopDatabaseAsync(TimeSpan duration, CancellationToken cancellationToken) => throw Unsupported("stop PostgreSQL");

    private static NotSupportedException Unsupported(string what) =>
        new($"the local target (silo in the runner's process) cannot {what}: run the scenario with --target cluster");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        finally
        {
            if (_server is not null) await _server.DisposeAsync();
            DeleteDirectory(_temporaryDirectory);
        }
    }

    private static void DeleteDirectory(string? directory)
    {
        if (directory is not null && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
