using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;

namespace Exchange.LocalPostgres;

/// <summary>
/// A throwaway PostgreSQL server in a temp directory, listening on a free port on
/// 127.0.0.1, with trust auth and durability switched off unless asked for (the process
/// cluster asks: what a commit acknowledged must survive the server's stop). Stopped and deleted on
/// dispose, on process exit or a termination signal, or — if the test process was
/// killed outright — by the next test run, which sweeps directories whose owning
/// process is gone.
/// </summary>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    private const string DirectoryPrefix = "exchange-pg-";
    private const string OsUser = "postgres";
    private const int StartAttempts = 3;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);
    private static readonly PosixSignal[] TerminationSignals = [PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT];
    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];

    private readonly string _binDirectory;
    private readonly string? _runuser; // set when we are root: postgres refuses to run as root
    private readonly string _rootDirectory;
    private readonly List<PosixSignalRegistration> _signalRegistrations = [];
    private int _disposed;

    private readonly bool _durable;
    private int _port;

    private LocalPostgresServer(string binDirectory, string? runuser, string rootDirectory, bool durable)
    {
        _binDirectory = binDirectory;
        _runuser = runuser;
        _rootDirectory = rootDirectory;
        _durable = durable;
    }

    public string ConnectionString { get; private set; } = "";

    private string DataDirectory => Path.Combine(_rootDirectory, "data");

    // As root, TMPDIR may point somewhere the postgres user cannot traverse (/root/...).
    private static string BaseDirectory => Environment.IsPrivilegedProcess && Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();

    /// <param name="durable">Keep PostgreSQL's default fsync=on (benchmarks); tests switch durability off.</param>
    public static async Task<LocalPostgresServer> StartAsync(string binDirectory, CancellationToken cancellationToken, bool durable = false)
    {
        var runuser = Environment.IsPrivilegedProcess ? await FindRunuserForPostgresAsync(cancellationToken) : null;
        await RemoveOrphansAsync(binDirectory, runuser);

        // The owning pid is in the name so a later run can tell whether we are still alive.
        var root = Path.Combine(BaseDirectory, $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var server = new LocalPostgresServer(binDirectory, runuser, root, durable);
        server.StopWhenTheProcessEnds();
        try
        {
            await server.InitializeAsync(cancellationToken);
            await server.StartServerAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in _signalRegistrations)
            registration.Dispose();
        await StopAsync(_binDirectory, _runuser, DataDirectory);
        Directory.Delete(_rootDirectory, recursive: true);
    }

    // The server is a detached daemon: nothing stops it when the test host dies, so hook
    // every exit we can observe. ProcessExit covers an orderly exit that skipped fixture
    // disposal; the signal handlers cover SIGTERM/Ctrl+C, on which .NET terminates the
    // process without raising ProcessExit. (The handlers do not cancel the signal, so the
    // process still ends.) SIGKILL cannot be observed; RemoveOrphansAsync covers that.
    private void StopWhenTheProcessEnds()
    {
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        foreach (var signal in TerminationSignals)
            _signalRegistrations.Add(PosixSignalRegistration.Create(signal, _ => OnProcessExit(null, EventArgs.Empty)));
    }

    // Nothing can be reported while the process is going down, so failures are ignored.
    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException or Win32Exception)
        {
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_runuser is not null)
            (await ProcessRunner.RunAsync("chown", [OsUser, _rootDirectory], ToolTimeout, cancellationToken: cancellationToken))
                .EnsureSuccess($"Handing {_rootDirectory} to the '{OsUser}' user");

        (await RunToolAsync(_binDirectory, _runuser, "initdb",
            ["-D", DataDirectory, "-U", OsUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            cancellationToken)).EnsureSuccess("initdb");

        // Settings go in the config file rather than through pg_ctl -o, which hands its
        // argument to /bin/sh and would need shell quoting of the path. The socket lives in
        // the data directory so it never collides with a system server's /var/run socket.
        var socketDirectory = DataDirectory.Replace("'", "''", StringComparison.Ordinal);
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            # exchange test harness: local-only
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{socketDirectory}'
            # One server serves the whole test suite: hundreds of databases, two-silo clusters in parallel test
            # collections, each with its pools. 200 was reached in CI (a test's first query then fails with
            # "too many clients"); a connection slot costs some kilobytes of shared memory.
            max_connections = 1000

            """, cancellationToken);
        if (!_durable)
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), """
                # durability is pointless for throwaway test data
                fsync = off
                synchronous_commit = off
                full_page_writes = off

                """, cancellationToken);
    }

    /// <summary>Stops the server abruptly (as a crash would), keeping its data for <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => StopAsync(_binDirectory, _runuser, DataDirectory);

    /// <summary>Starts the stopped server again on the same port, so existing connection strings work again.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        var log = Path.Combine(_rootDirectory, "server.log");
        (await RunToolAsync(_binDirectory, _runuser, "pg_ctl",
            ["-D", DataDirectory, "-l", log, "-w", "-t", "60", "-o", $"-p {_port}", "start"], cancellationToken)).EnsureSuccess("Restarting PostgreSQL");
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var log = Path.Combine(_rootDirectory, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            var port = _port = FindFreePort();
            // -w: pg_ctl itself polls until the server accepts connections (bounded by -t).
            var result = await RunToolAsync(_binDirectory, _runuser, "pg_ctl",
                ["-D", DataDirectory, "-l", log, "-w", "-t", "60", "-o", $"-p {port}", "start"], cancellationToken);
            if (result.ExitCode == 0)
            {
                ConnectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1", Port = port, Username = OsUser, Database = "postgres", IncludeErrorDetail = true,
                }.ConnectionString;
                return;
            }

            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "<no server log>";
            // Another process can grab the port between our probe and the server's bind.
            if (attempt < StartAttempts && serverLog.Contains("could not bind", StringComparison.Ordinal))
                continue;
            result.EnsureSuccess($"Starting PostgreSQL (server log {log}:\n{serverLog})");
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task StopAsync(string binDirectory, string? runuser, string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            return;
        // Immediate: the data is thrown away, so a clean shutdown checkpoint is wasted time.
        var result = await RunToolAsync(binDirectory, runuser, "pg_ctl",
            ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        if (result.ExitCode != 0)
            KillFromPidFile(dataDirectory); // never leave a server running on a deleted directory
    }

    private static void KillFromPidFile(string dataDirectory)
    {
        var firstLine = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
        if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return;
        try
        {
            using var postmaster = Process.GetProcessById(pid);
            postmaster.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    // Servers left behind by a test process that was killed (SIGKILL runs no handlers).
    private static async Task RemoveOrphansAsync(string binDirectory, string? runuser)
    {
        foreach (var directory in Directory.EnumerateDirectories(BaseDirectory, DirectoryPrefix + "*"))
        {
            var ownerPid = Path.GetFileName(directory)[DirectoryPrefix.Length..].Split('-')[0];
            if (!int.TryParse(ownerPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
                continue;
            try
            {
                await StopAsync(binDirectory, runuser, Path.Combine(directory, "data"));
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Win32Exception)
            {
                // Someone else's leftovers (another user, or being swept concurrently): not ours to fail on.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<string> FindRunuserForPostgresAsync(CancellationToken cancellationToken)
    {
        var id = await ProcessRunner.RunAsync("id", ["-u", OsUser], ToolTimeout, cancellationToken: cancellationToken);
        if (id.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The tests run as root and PostgreSQL refuses to run as root, so the harness runs initdb/pg_ctl as the " +
                $"'{OsUser}' OS user, but that user does not exist. Create it (installing the distribution package, e.g. " +
                $"`apt-get install postgresql`, does), run the tests as a non-root user, or set EXCHANGE_TEST_POSTGRES " +
                "to the connection string of an existing server.");
        }

        return RunuserLocations.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"The tests run as root, so the harness needs `runuser` (package util-linux) to start PostgreSQL as " +
                $"'{OsUser}'. Install util-linux, run the tests as a non-root user, or set EXCHANGE_TEST_POSTGRES.");
    }

    private static Task<ProcessResult> RunToolAsync(
        string binDirectory, string? runuser, string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(binDirectory, tool);
        // Working directory "/": the postgres user may not be able to enter the test's cwd,
        // and initdb/pg_ctl complain when they cannot.
        return runuser is null
            ? ProcessRunner.RunAsync(path, arguments, ToolTimeout, "/", cancellationToken)
            : ProcessRunner.RunAsync(runuser, ["-u", OsUser, "--", path, .. arguments], ToolTimeout, "/", cancellationToken);
    }
}
