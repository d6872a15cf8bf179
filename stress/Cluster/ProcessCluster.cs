using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exchange.Hosting;
using Exchange.LocalPostgres;
using Exchange.Markets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;

namespace Exchange.Stress.Cluster;

/// <summary>
/// The production topology as operating-system processes on loopback: a throwaway durable PostgreSQL server, silo
/// processes (the built silo, <c>dotnet Exchange.Silo.dll</c>) that join through the ADO.NET membership table, and one
/// gateway process (<c>dotnet Exchange.Client.dll</c>). Faults are real: <c>kill -9</c>, SIGSTOP/SIGCONT, SIGTERM, and
/// stopping the database server. Every process is killed and the server deleted on dispose; each process's output goes
/// to a log file, whose tail is what a failure prints. The one launcher of such clusters: the stress lab's cluster
/// target, the chaos tests and the cluster benchmark all start it.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public const string AdminToken = "cluster-admin-token-0123456789abcdef";
    public const int Active = 3, Dead = 6; // Orleans' SiloStatus as the membership table stores it

    /// <summary>Set to 1 to keep every process's log after the cluster is disposed (their directory is printed).</summary>
    public const string KeepLogsVariable = "EXCHANGE_KEEP_CLUSTER_LOGS";
    private static readonly string BuildDirectory = Path.GetDirectoryName(typeof(ProcessCluster).Assembly.Location)!;

    private readonly List<ClusterProcess> _processes = [];
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}"[..20];
    private readonly string _logs = Directory.CreateTempSubdirectory("exchange-cluster-").FullName;
    private LocalPostgresServer? _server;
    private IHost? _client;

    private ProcessCluster()
    {
    }

    /// <summary>The exchange database's connection string.</summary>
    public string Database { get; private set; } = "";

    public Uri Gateway { get; private set; } = null!;

    /// <summary>Every silo and gateway process started, in order, including those that have exited.</summary>
    public IReadOnlyList<ClusterProcess> Processes => _processes;

    /// <summary>Every silo process started, in order, including those that have exited.</summary>
    public IReadOnlyList<ClusterProcess> Silos => [.. _processes.Where(p => p.IsSilo)];

    /// <summary>Starts the database, <paramref name="silos"/> silos (waiting until all are active) and a ready gateway.</summary>
    /// <param name="demoMarkets">Whether the silos create the demo markets (BTC-PERP, ETH-PERP) at start, as a fresh
    /// deployment does; a stress scenario creates its own markets instead.</param>
    private bool _demoMarkets = true;
    private bool _liftRateLimits;

    /// <param name="liftRateLimits">Per-key and per-address rate limits far above any load (a load test's callers are few keys on one address).</param>
    public static async Task<ProcessCluster> StartAsync(int silos, CancellationToken cancellationToken, bool demoMarkets = true,
        bool liftRateLimits = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var cluster = new ProcessCluster { _demoMarkets = demoMarkets, _liftRateLimits = liftRateLimits };
        try
        {
            var binaries = PostgresBinaries.FindDirectory()
                ?? throw new InvalidOperationException(PostgresBinaries.MissingMessage("EXCHANGE_TEST_POSTGRES"));
            // Durable, as in production: what a commit acknowledged must survive the server's stop.
            cluster._server = await LocalPostgresServer.StartAsync(binaries, cancellationToken, durable: true);
            await using (var connection = new NpgsqlConnection(cluster._server.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand("create database exchange", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            cluster.Database = new NpgsqlConnectionStringBuilder(cluster._server.ConnectionString) { Database = "exchange" }.ConnectionString;
            for (var i = 0; i < silos; i++) cluster.StartSilo();
            await cluster.WaitForActiveSilos(silos, cancellationToken);
            cluster.StartGateway();
            await Poll.Until(() => Ready(cluster.Gateway), TimeSpan.FromSeconds(90), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo process (a replacement or a scale-up, as an orchestrator would); it joins on its own.</summary>
    public ClusterProcess StartSilo()
    {
        var (health, port) = (FreePort(), FreePort());
        var silo = Start($"silo{_processes.Count(p => p.IsSilo)}", "Silo", "Exchange.Silo.dll", health, [], new()
        {
            ["Orleans__SiloPort"] = Text(port),
            ["Orleans__GatewayPort"] = Text(FreePort()),
            ["Orleans__AdvertisedAddress"] = "127.0.0.1",
            ["Exchange__Health__Port"] = Text(health),
            ["Exchange__DemoMarkets"] = _demoMarkets ? "true" : "false",
        });
        silo.SiloPort = port;
        return silo;
    }

    private void StartGateway()
    {
        var port = FreePort();
        Gateway = new Uri($"http://127.0.0.1:{port}");
        var settings = new Dictionary<string, string>
        {
            ["Gateway__AdminToken"] = AdminToken,
            ["Gateway__SecretKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        if (_liftRateLimits)
        {
            foreach (var policy in new[] { "Orders", "Cancels", "Queries", "Public", "Feeds", "Authentication", "WebSocketMessages" })
                (settings[$"Gateway__RateLimits__{policy}__Burst"], settings[$"Gateway__RateLimits__{policy}__PerSecond"]) = ("1000000", "1000000");
        }
        Start("gateway", "Client", "Exchange.Client.dll", port, ["--urls", Gateway.ToString()], settings);
    }

    private ClusterProcess Start(string name, string project, string dll, int httpPort, string[] arguments, Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AppPath(project, dll));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["ConnectionStrings__Exchange"] = Database;
        start.Environment["Exchange__Clustering"] = "AdoNet";
        start.Environment["Orleans__ClusterId"] = _clusterId;
        start.Environment["Orleans__ServiceId"] = "cluster";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "0"; // several processes share two cores
        foreach (var (key, value) in settings) start.Environment[key] = value;
        var process = new ClusterProcess(name, Process.Start(start)!, Path.Combine(_logs, name + ".log"), httpPort, project == "Silo");
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// A project's built output in this repository, in this assembly's configuration and framework
    /// (<c>PROJECT/bin/Release/net10.0/DLL</c>): building the stress lab or the tests builds the silo and the gateway there.
    /// </summary>
    public static string AppPath(string project, string dll)
    {
        var configuration = new DirectoryInfo(BuildDirectory).Parent!.Name; // .../bin/<configuration>/<framework>
        var framework = new DirectoryInfo(BuildDirectory).Name;
        for (var directory = new DirectoryInfo(BuildDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Exchange.Orleans.sln"))) continue;
            var path = Path.Combine(directory.FullName, project, "bin", configuration, framework, dll);
            return File.Exists(path) ? path : throw new FileNotFoundException($"build {project} first ({path} is missing)", path);
        }
        throw new DirectoryNotFoundException($"no Exchange.Orleans.sln above {BuildDirectory}: run from a clone of the repository");
    }

    /// <summary>True once the process answers 200 on <c>/health/ready</c>; throws otherwise (so callers poll).</summary>
    public static async Task<bool> Ready(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        return response.IsSuccessStatusCode ? true : throw new InvalidOperationException($"{address}: {(int)response.StatusCode}");
    }

    public async Task<int> ActiveSilos()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from OrleansMembershipTable where DeploymentId = @id and Status = 3", connection);
        count.Parameters.AddWithValue("id", _clusterId);
        return Convert.ToInt32(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The silo process that hosts the market's activation now (asked through an Orleans client of our own).</summary>
    public async Task<ClusterProcess> HostOf(string symbol)
    {
        var cluster = await Client();
        return await HostOf(cluster.GetGrain<IMarketGrain>(symbol)) ?? throw new InvalidOperationException($"{symbol} is not active anywhere");
    }

    /// <summary>The silo process that hosts the grain's activation now, or null if it has none.</summary>
    public async Task<ClusterProcess?> HostOf(IAddressable grain)
    {
        var cluster = await Client();
        var address = await cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return address is null ? null : Silos.Single(s => s.SiloPort == address.Endpoint.Port && !s.HasExited);
    }

    /// <summary>An Orleans client of this cluster (for questions the HTTP API does not answer, such as where a grain is).</summary>
    public async Task<IClusterClient> Client()
    {
        if (_client is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(client =>
            {
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", Database));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, "cluster"));
                client.Services.AddExchangeExceptionSerialization();
            });
            var client = builder.Build();
            await client.StartAsync();
            _client = client;
        }
        return _client.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The silo's latest status in the membership table (3 active, 6 dead; 0 before it registered).</summary>
    public async Task<int> Status(ClusterProcess silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var status = new NpgsqlCommand(
            "select Status from OrleansMembershipTable where DeploymentId = @id and Port = @port order by Generation desc limit 1", connection);
        status.Parameters.AddWithValue("id", _clusterId);
        status.Parameters.AddWithValue("port", silo.SiloPort);
        return Convert.ToInt32(await status.ExecuteScalarAsync() ?? 0, CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until the silo has the given membership status.</summary>
    public Task WaitForStatus(ClusterProcess silo, int status, TimeSpan within, CancellationToken cancellationToken = default) => Poll.Until(async () =>
    {
        var now = await Status(silo);
        if (now != status) throw new InvalidOperationException($"{silo.Name} has status {now}, waiting for {status}");
    }, within, cancellationToken);

    public Task WaitForActiveSilos(int silos, CancellationToken cancellationToken) => Poll.Until(async () =>
    {
        var active = await ActiveSilos();
        if (active != silos) throw new InvalidOperationException($"{active} silos active, waiting for {silos}");
    }, TimeSpan.FromSeconds(120), cancellationToken);

    /// <summary>Polls until the process has exited.</summary>
    public static Task WaitForExit(ClusterProcess process, TimeSpan within, CancellationToken cancellationToken = default) =>
        Poll.Until(() => process.HasExited ? Task.CompletedTask : throw new InvalidOperationException($"{process.Name} still runs"),
            within, cancellationToken);

    /// <summary>Stops the database server abruptly, as a crash or a failover would.</summary>
    public Task StopDatabase() => _server!.StopAsync();

    public Task StartDatabase(CancellationToken cancellationToken) => _server!.StartAgainAsync(cancellationToken);

    /// <summary>The last lines of every process's log, for a failure message.</summary>
    public string LogTails(int lines = 30) => string.Join('\n', _processes.Select(p => p.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _client.StopAsync(stop.Token); }
            catch (Exception) { } // the silos may be gone already: nothing to report while cleaning up
            _client.Dispose();
        }
        foreach (var process in _processes) process.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable(KeepLogsVariable) == "1")
            Console.WriteLine($"{KeepLogsVariable}=1: the processes' logs are kept in {_logs}");
        else
            try { Directory.Delete(_logs, recursive: true); } catch (IOException) { }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
