using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Exchange.Benchmarks.Common;
using Exchange.Hosting;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Exchange.Benchmarks.Market;

/// <summary>
/// Where a benchmark's journal lives: nowhere (in-memory journal), a fresh database on a throwaway PostgreSQL server
/// started here with fsync on (PostgreSQL's defaults: fsync=on, synchronous_commit=on), or a fresh database on a
/// server given by connection string. Disposing drops what it created and stops the server it started.
/// </summary>
internal sealed class JournalDatabase : IAsyncDisposable
{
    private readonly LocalPostgresServer? _server;
    private readonly string? _adminConnectionString;
    private readonly string? _database;

    private JournalDatabase(LocalPostgresServer? server, string? admin, string? database, string? connectionString)
    {
        _server = server;
        _adminConnectionString = admin;
        _database = database;
        ConnectionString = connectionString;
    }

    /// <summary>The journal database, or null for the in-memory journal.</summary>
    public string? ConnectionString { get; }

    /// <summary>The PostgreSQL server's postmaster when it runs on this machine (for its CPU time), else null.</summary>
    public int? PostmasterPid { get; private set; }

    public string Description { get; private set; } = "in-memory journal (InMemoryMarketJournal: keeps every batch in the heap)";

    /// <summary>Set for "none": the journal the silo must use instead of the one its connection string implies.</summary>
    public DiscardMarketJournal? Discard { get; private init; }

    /// <param name="journal">"memory", "none" (discarding, see <see cref="DiscardMarketJournal"/>) or "postgres".</param>
    /// <param name="external">A server to use (a database is created on it); null starts a throwaway one.</param>
    public static async Task<JournalDatabase> OpenAsync(string journal, string? external, CancellationToken cancellationToken)
    {
        if (journal == "memory") return new JournalDatabase(null, null, null, null);
        if (journal == "none")
            return new JournalDatabase(null, null, null, null)
            {
                Discard = new DiscardMarketJournal(),
                Description = "none: a journal that checks sequences and discards every batch (journaling switched off)",
            };

        LocalPostgresServer? server = null;
        try
        {
            var admin = external;
            if (admin is null)
            {
                var binaries = PostgresBinaries.FindDirectory()
                    ?? throw new InvalidOperationException(PostgresBinaries.MissingMessage("--postgres"));
                server = await LocalPostgresServer.StartAsync(binaries, cancellationToken, durable: true);
                admin = server.ConnectionString;
            }
            var name = $"exchange_bench_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            await new MigrationRunner(connectionString).ApplyAsync(cancellationToken);
            var db = new JournalDatabase(server, admin, name, connectionString);
            db.Description = await DescribeAsync(connectionString, server is null ? "given server" : "throwaway local server", cancellationToken);
            db.PostmasterPid = await FindPostmasterAsync(connectionString, cancellationToken);
            return db;
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<int?> FindPostmasterAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        return SystemCpu.ParentOf(backend, "postgres") is { } parent && SystemCpu.ParentOf(parent, "postgres") is not null ? parent : null;
    }

    private static async Task<string> DescribeAsync(string connectionString, string where, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "select current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), "
            + "current_setting('wal_sync_method'), current_setting('full_page_writes')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return $"PostgreSQL {reader.GetString(0)} ({where}, same machine, TCP 127.0.0.1), fsync={reader.GetString(1)}, "
            + $"synchronous_commit={reader.GetString(2)}, wal_sync_method={reader.GetString(3)}, full_page_writes={reader.GetString(4)}";
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync(); // the whole throwaway cluster goes, databases and all
            return;
        }
        if (_adminConnectionString is null || _database is null) return;
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{_database}\" with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// One Orleans silo in this process hosting the exchange's grains, with a co-hosted client: grain calls stay
/// in the process (no socket, no serialization for the immutable command and outcome types).
/// </summary>
internal static class BenchSilo
{
    /// <param name="timeAppends">Wrap the journal in a <see cref="TimingJournal"/> (resolve IMarketJournal to read it).</param>
    /// <param name="settings">"Name=Value" pairs for the "Exchange:Markets" configuration section (MarketOptions).</param>
    public static async Task<IHost> StartAsync(JournalDatabase db, Action<MarketOptions>? options, bool timeAppends,
        IReadOnlyList<string> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s =>
        {
            var eq = s.IndexOf('=', StringComparison.Ordinal);
            return eq > 0 ? KeyValuePair.Create("Exchange:Markets:" + s[..eq], (string?)s[(eq + 1)..])
                : throw new ArgumentException($"--set {s}: expected Name=Value");
        }));
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans.Runtime.Silo", LogLevel.Error); // its "not running with ServerGC" notes; the GC mode is printed above
        var clusterId = $"bench-{Guid.NewGuid():N}";
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePort(), FreePort(), null, clusterId, clusterId)
            .AddExchangeReminders(db.ConnectionString));
        // Registered first, a journal wins over the one AddExchangeGrainServices would add (it only tries to add);
        // the choice below is the one it makes, plus the discarding journal.
        if (timeAppends || db.Discard is not null)
            builder.Services.AddSingleton<IMarketJournal>(sp =>
            {
                var journal = (IMarketJournal?)db.Discard ?? (db.ConnectionString is null
                    ? new InMemoryMarketJournal()
                    : new PostgresMarketJournal(sp.GetRequiredService<NpgsqlDataSource>()));
                return timeAppends ? new TimingJournal(journal) : journal;
            });
        builder.Services.AddExchangeGrainServices(db.ConnectionString);
        if (options is not null) builder.Services.Configure(options);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            var o = host.Services.GetRequiredService<IOptions<MarketOptions>>().Value;
            Console.WriteLine("market options: " + JsonSerializer.Serialize(o));
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public static async Task StopAsync(IHost host)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(deadline.Token);
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
