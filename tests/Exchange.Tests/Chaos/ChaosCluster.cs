using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exchange.Hosting;
using Exchange.Markets;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;

namespace Exchange.Tests.Chaos;

/// <summary>
/// The production topology as operating-system processes on loopback: a throwaway PostgreSQL server, silo processes
/// (the built silo, <c>dotnet Exchange.Silo.dll</c>) that join through the ADO.NET membership table, and one gateway
/// process (<c>dotnet Exchange.Client.dll</c>). Faults are real: <c>kill -9</c>, SIGSTOP/SIGCONT, and stopping the
/// database server. Every process is killed and the server deleted on dispose; each process's output goes to a log
/// file, and the tail of every log is what a failing test prints.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    public const string AdminToken = "chaos-admin-token-0123456789abcdef";
    private static readonly string BuildDirectory = Path.GetDirectoryName(typeof(ChaosCluster).Assembly.Location)!;

    private readonly List<ChaosProcess> _processes = [];
    private readonly string _clusterId = $"chaos-{Guid.NewGuid():N}"[..20];
    private readonly string _logs = Directory.CreateTempSubdirectory("exchange-chaos-").FullName;
    private LocalPostgresServer _server = null!;
    private IHost? _client;

    public string Database { get; private set; } = "";
    public Uri Gateway { get; private set; } = null!;
    public IReadOnlyList<ChaosProcess> Silos => [.. _processes.Where(p => p.IsSilo)];

    public static async Task<ChaosCluster> StartAsync(int silos, CancellationToken cancellationToken)
    {
        var cluster = new ChaosCluster();
        try
        {
            var binaries = PostgresBinaries.FindDirectory()
                ?? throw new InvalidOperationException(PostgresBinaries.MissingMessage(PostgresFixture.EnvironmentVariable));
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
            await Polling.Eventually(() => Ready(cluster.Gateway), TimeSpan.FromSeconds(90));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo process (a replacement, as an orchestrator would).</summary>
    public ChaosProcess StartSilo()
    {
        var (health, port) = (FreePort(), FreePort());
        var silo = Start($"silo{_processes.Count(p => p.IsSilo)}", "Silo", "Exchange.Silo.dll", health, [], new()
        {
            ["Orleans__SiloPort"] = Text(port),
            ["Orleans__GatewayPort"] = Text(FreePort()),
            ["Orleans__AdvertisedAddress"] = "127.0.0.1",
            ["Exchange__Health__Port"] = Text(health),
        });
        silo.SiloPort = port;
        return silo;
    }

    private void StartGateway()
    {
        var port = FreePort();
        Gateway = new Uri($"http://127.0.0.1:{port}");
        Start("gateway", "Client", "Exchange.Client.dll", port, ["--urls", Gateway.ToString()], new()
        {
            ["Gateway__AdminToken"] = AdminToken,
            ["Gateway__SecretKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });
    }

    private ChaosProcess Start(string name, string project, string dll, int httpPort, string[] arguments, Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AppPath(project, dll));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["ConnectionStrings__Exchange"] = Database;
        start.Environment["Exchange__Clustering"] = "AdoNet";
        start.Environment["Orleans__ClusterId"] = _clusterId;
        start.Environment["Orleans__ServiceId"] = "chaos";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "0"; // six processes share two cores
        foreach (var (key, value) in settings) start.Environment[key] = value;
        var process = new ChaosProcess(name, Process.Start(start)!, Path.Combine(_logs, name + ".log"), httpPort, project == "Silo");
        _processes.Add(process);
        return process;
    }

    /// <summary>The silo or gateway as built next to this test assembly's configuration (Release or Debug).</summary>
    private static string AppPath(string project, string dll)
    {
        var configuration = new DirectoryInfo(BuildDirectory).Parent!.Name; // .../bin/<configuration>/<framework>
        var framework = new DirectoryInfo(BuildDirectory).Name;
        for (var directory = new DirectoryInfo(BuildDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Exchange.Orleans.sln"))) continue;
            var path = Path.Combine(directory.FullName, project, "bin", configuration, framework, dll);
            return File.Exists(path) ? path : throw new FileNotFoundException($"build {project} first ({path} is missing)", path);
        }
        throw new DirectoryNotFoundException($"no Exchange.Orleans.sln above {BuildDirectory}");
    }

    public static async Task<bool> Ready(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync("/health/ready");
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

    /// <summary>The silo process that hosts the market's activation now (asked through an Orleans client of the test's own).</summary>
    public async Task<ChaosProcess> HostOf(string symbol)
    {
        if (_client is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(client =>
            {
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", Database));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, "chaos"));
                client.Services.AddExchangeExceptionSerialization();
            });
            _client = builder.Build();
            await _client.StartAsync();
        }
        var cluster = _client.Services.GetRequiredService<IClusterClient>();
        var address = await cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.GetGrain<IMarketGrain>(symbol))
            ?? throw new InvalidOperationException($"{symbol} is not active anywhere");
        return Silos.Single(s => s.SiloPort == address.Endpoint.Port && !s.HasExited);
    }

    /// <summary>The silo's latest status in the membership table (3 active, 6 dead; 0 before it registered).</summary>
    public async Task<int> Status(ChaosProcess silo)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var status = new NpgsqlCommand(
            "select Status from OrleansMembershipTable where DeploymentId = @id and Port = @port order by Generation desc limit 1", connection);
        status.Parameters.AddWithValue("id", _clusterId);
        status.Parameters.AddWithValue("port", silo.SiloPort);
        return Convert.ToInt32(await status.ExecuteScalarAsync() ?? 0, CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until the silo has the given membership status.</summary>
    public Task WaitForStatus(ChaosProcess silo, int status, TimeSpan within) => Polling.Eventually(async () =>
    {
        var now = await Status(silo);
        if (now != status) throw new InvalidOperationException($"{silo.Name} has status {now}, waiting for {status}");
    }, within);

    public Task WaitForActiveSilos(int silos, CancellationToken cancellationToken) => Polling.Eventually(async () =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        var active = await ActiveSilos();
        if (active != silos) throw new InvalidOperationException($"{active} silos active, waiting for {silos}");
    }, TimeSpan.FromSeconds(120));

    /// <summary>Stops the database server abruptly, as a crash or a failover would.</summary>
    public Task StopDatabase() => _server.StopAsync();

    public Task StartDatabase(CancellationToken cancellationToken) => _server.StartAgainAsync(cancellationToken);

    /// <summary>The last lines of every process's log, for a failure message.</summary>
    public string LogTails(int lines = 30) => string.Join('\n', _processes.Select(p => p.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            try { await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token); } catch (Exception) { }
            _client.Dispose();
        }
        foreach (var process in _processes) process.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
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

/// <summary>One silo or gateway process, its log, and the signals a fault sends it.</summary>
internal sealed class ChaosProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _closed;

    public ChaosProcess(string name, Process process, string logPath, int httpPort, bool isSilo)
    {
        (Name, _process, LogPath, HttpPort, IsSilo) = (name, process, logPath, httpPort, isSilo);
        _log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public string LogPath { get; }
    public int HttpPort { get; }
    public bool IsSilo { get; }
    public int SiloPort { get; set; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public Uri Health => new($"http://127.0.0.1:{HttpPort}");

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log)
            if (!_closed) _log.WriteLine(line);
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the graceful stop an orchestrator sends before it removes a container.</summary>
    public void Terminate() => Signal("TERM");

    public void Freeze() => Signal("STOP");

    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed ({kill.ExitCode})");
    }

    public string Tail(int lines)
    {
        var all = new List<string>();
        using (var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            while (reader.ReadLine() is { } line) all.Add(line);
        return $"--- {Name} (pid {_process.Id}{(HasExited ? ", exited" : "")})\n" + string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Thaw(); // a frozen process cannot die until it runs again
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
        _process.Dispose();
    }
}
