using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Exchange.LocalPostgres;

/// <summary>
/// A PostgreSQL server of our own over a data directory that outlives the process: created by initdb on first use,
/// started on a free loopback port, stopped cleanly (a shutdown checkpoint) by <see cref="DisposeAsync"/>. Durable:
/// PostgreSQL's defaults (fsync, synchronous commit) are left alone. As root it runs the tools as the 'postgres' OS
/// user, since the server refuses to run as root. It owns only its directory; it never touches a system server.
/// </summary>
public sealed class PrivatePostgresServer : IAsyncDisposable
{
    /// <summary>The database the exchange uses inside the server.</summary>
    public const string DatabaseName = "exchange";

    private const string OsUser = "postgres";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);
    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];

    private readonly string _binDirectory;
    private readonly string? _runuser;
    private int _stopped;

    private PrivatePostgresServer(string binDirectory, string? runuser, string rootDirectory)
    {
        _binDirectory = binDirectory;
        _runuser = runuser;
        RootDirectory = rootDirectory;
    }

    /// <summary>Holds <c>data/</c> (the cluster) and <c>server.log</c>.</summary>
    public string RootDirectory { get; }

    public string ConnectionString { get; private set; } = "";

    private string DataDirectory => Path.Combine(RootDirectory, "data");

    private string LogFile => Path.Combine(RootDirectory, "server.log");

    /// <summary>Creates the cluster if the directory has none, starts it and makes sure the exchange database exists.</summary>
    public static async Task<PrivatePostgresServer> StartAsync(string binDirectory, string rootDirectory, CancellationToken cancellationToken)
    {
        string? runuser = null;
        if (Environment.IsPrivilegedProcess)
        {
            (await ProcessRunner.RunAsync("id", ["-u", OsUser], ToolTimeout, cancellationToken: cancellationToken))
                .EnsureSuccess($"Looking up the '{OsUser}' OS user (PostgreSQL refuses to run as root, so it runs as that user)");
            runuser = RunuserLocations.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"Running as root needs `runuser` (util-linux) to start PostgreSQL as '{OsUser}'.");
        }

        var server = new PrivatePostgresServer(binDirectory, runuser, Path.GetFullPath(rootDirectory));
        await server.InitializeIfNewAsync(cancellationToken);
        await server.StartServerAsync(cancellationToken);
        await server.CreateDatabaseIfMissingAsync(cancellationToken);
        return server;
    }

    /// <summary>Stops the server with a clean shutdown; the data stays for the next run.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || !File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            return;
        (await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], CancellationToken.None))
            .EnsureSuccess("Stopping PostgreSQL");
    }

    private async Task InitializeIfNewAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            return;
        Directory.CreateDirectory(RootDirectory);
        if (_runuser is not null)
            (await ProcessRunner.RunAsync("chown", ["-R", OsUser, RootDirectory], ToolTimeout, cancellationToken: cancellationToken))
                .EnsureSuccess($"Handing {RootDirectory} to the '{OsUser}' user");
        (await RunToolAsync("initdb",
            ["-D", DataDirectory, "-U", OsUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"],
            cancellationToken)).EnsureSuccess($"initdb (is {RootDirectory} reachable by the '{OsUser}' user? Set another directory if not)");

        // Loopback only, trust auth: a developer's private server. The socket lives in the data directory so it never
        // collides with a system server's.
        var socketDirectory = DataDirectory.Replace("'", "''", StringComparison.Ordinal);
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            # exchange local run: private, loopback only, durable (fsync and synchronous_commit stay on)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{socketDirectory}'
            max_connections = 200

            """, cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // A server still running over our directory was left by a run that was killed (its stop never ran): stop it
        // cleanly and start our own, so the port and the owner are this run's.
        if ((await RunToolAsync("pg_ctl", ["-D", DataDirectory, "status"], cancellationToken)).ExitCode == 0)
        {
            Console.WriteLine($"A PostgreSQL server left running over {DataDirectory} by an earlier run: stopping it first.");
            (await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken))
                .EnsureSuccess("Stopping the PostgreSQL server left by an earlier run");
        }
        var port = FreePort();
        var started = await RunToolAsync("pg_ctl",
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "-o", $"-p {port}", "start"], cancellationToken);
        if (started.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "<no server log>";
            started.EnsureSuccess($"Starting PostgreSQL over {DataDirectory} (is another run using it?); end of {LogFile}:\n{log}");
        }
        ConnectionString = Build(port, DatabaseName);
    }

    private async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            { Parameters = { new() { Value = DatabaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Build(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = OsUser, Database = database,
    }.ConnectionString;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Working directory "/": the postgres user may not be able to enter the caller's.
    private Task<ProcessResult> RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, tool);
        return _runuser is null
            ? ProcessRunner.RunAsync(path, arguments, ToolTimeout, "/", cancellationToken)
            : ProcessRunner.RunAsync(_runuser, ["-u", OsUser, "--", path, .. arguments], ToolTimeout, "/", cancellationToken);
    }
}
