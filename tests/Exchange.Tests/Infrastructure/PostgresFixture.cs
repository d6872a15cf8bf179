using Exchange.Persistence;
using Npgsql;

namespace Exchange.Tests.Infrastructure;

/// <summary>Tests that need a real PostgreSQL server join this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// A real PostgreSQL database with the project's migrations applied. Uses the server in
/// <see cref="EnvironmentVariable"/> when set, otherwise starts a throwaway local server.
/// Never skips: without a server the fixture fails, and every test in the collection
/// fails with a message saying what to install or set.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "EXCHANGE_TEST_POSTGRES";

    // initdb plus start is a few seconds normally; this only bounds a wedged machine.
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromMinutes(3);

    private readonly List<string> _databases = [];
    private LocalPostgresServer? _server;
    private string _adminConnectionString = "";

    /// <summary>A database created for this fixture with all migrations applied.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var deadline = new CancellationTokenSource(StartupDeadline);
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
        }
        else
        {
            var binaries = PostgresBinaries.FindDirectory()
                ?? throw new InvalidOperationException(PostgresBinaries.MissingMessage(EnvironmentVariable));
            _server = await LocalPostgresServer.StartAsync(binaries, deadline.Token);
            _adminConnectionString = _server.ConnectionString;
        }

        ConnectionString = await CreateDatabaseAsync(applyMigrations: true, deadline.Token);
    }

    /// <summary>
    /// A fresh, uniquely named database on the same server, for tests that need an empty
    /// schema (e.g. racing migration runners). Dropped when the fixture is disposed.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(bool applyMigrations, CancellationToken cancellationToken = default)
    {
        var name = $"exchange_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // Identifiers cannot be parameters; the name is generated above, never user input.
            await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        lock (_databases)
            _databases.Add(name);

        // Idle pooled connections close after seconds, not the default five minutes: the suite makes hundreds of
        // databases, and the idle sessions of finished tests filled the server's 200 connections (a later test's
        // first query then failed with "too many clients").
        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString)
        {
            Database = name,
            ConnectionIdleLifetime = 10,
            ConnectionPruningInterval = 2,
        }.ConnectionString;
        if (applyMigrations)
            await new MigrationRunner(connectionString).ApplyAsync(cancellationToken);
        return connectionString;
    }

    public async Task DisposeAsync()
    {
        // Pooled connections would otherwise keep sessions open on databases we drop.
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            // The whole cluster is deleted with its directory; dropping databases first is wasted work.
            await _server.DisposeAsync();
            return;
        }

        if (_databases.Count == 0)
            return;
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            // FORCE (PostgreSQL 13+) ends sessions a test forgot to close instead of failing the drop.
            await using var command = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
