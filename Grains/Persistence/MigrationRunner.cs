using System.Data;
using Npgsql;

namespace Exchange.Persistence;

/// <summary>
/// Applies the embedded <c>db/migrations</c> files that a database has not seen yet,
/// each in its own transaction, and records them in <c>schema_migrations</c>.
/// Safe to call from every silo at startup: runners on the same database serialise on
/// an advisory lock, and a second run applies nothing.
/// </summary>
public sealed class MigrationRunner
{
    // Any constant works as long as every silo uses the same one. Advisory locks are
    // scoped to the current database, so separate databases never contend.
    private const long AdvisoryLockKey = 0x4558_4D49_4752_0001;

    private const string CreateHistoryTable = """
        create table if not exists schema_migrations (
            version    text primary key,
            applied_at timestamptz default now(),
            checksum   text
        )
        """;

    private readonly string _connectionString;

    public MigrationRunner(string connectionString) : this(connectionString, Migration.LoadEmbedded()) { }

    /// <summary>For tests: run an explicit migration list instead of the embedded one.</summary>
    internal MigrationRunner(string connectionString, IReadOnlyList<Migration> migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        Migrations = migrations;
    }

    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Applies pending migrations; returns the versions this call applied (empty when up to date).</summary>
    /// <exception cref="InvalidOperationException">An applied migration's file has changed since it ran.</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        // Unpooled: the run is once per process, so a pooled connection would only sit idle on the server for minutes
        // (one per database: the test suite, which makes hundreds, ran out of server connections), and closing the
        // session also frees the advisory lock if the unlock below never ran.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // Taken before anything else, including creating the history table: concurrent
        // "create table if not exists" can itself fail with a duplicate pg_type row.
        await ExecuteAsync(connection, null, "select pg_advisory_lock(@p0)", cancellationToken, AdvisoryLockKey);
        try
        {
            await ExecuteAsync(connection, null, CreateHistoryTable, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);

            // Verify everything before applying anything, so a tampered history never
            // gets new migrations stacked on top of it. Versions unknown to this build are
            // tolerated: during a rolling deploy a newer silo may already have applied them.
            foreach (var migration in Migrations)
            {
                if (applied.TryGetValue(migration.Version, out var recorded) && recorded != migration.Checksum)
                    throw new InvalidOperationException(
                        $"Migration {migration.Version} was applied with checksum {recorded ?? "<none>"} but the file now hashes " +
                        $"to {migration.Checksum}. Applied migrations must never be edited; add a new migration instead.");
            }

            var appliedNow = new List<string>();
            foreach (var migration in Migrations.Where(m => !applied.ContainsKey(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await ExecuteAsync(connection, transaction,
                    "insert into schema_migrations (version, checksum) values (@p0, @p1)",
                    cancellationToken, migration.Version, migration.Checksum);
                await transaction.CommitAsync(cancellationToken);
                appliedNow.Add(migration.Version);
            }
            return appliedNow;
        }
        finally
        {
            // Unlock explicitly: the pooled connection outlives this method, and a lock left
            // on an idle pooled session would block every other silo. A broken connection
            // has lost its session, and with it the lock, so there is nothing to release.
            if (connection.FullState == ConnectionState.Open)
                await ExecuteAsync(connection, null, "select pg_advisory_unlock(@p0)", CancellationToken.None, AdvisoryLockKey);
        }
    }

    private static async Task<Dictionary<string, string?>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select version, checksum from schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            applied[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return applied;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        CancellationToken cancellationToken, params object[] parameters)
    {
        // No command timeout: waiting for another silo's migration or running a long
        // one is legitimate; callers bound the wait with the cancellation token instead.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        for (var i = 0; i < parameters.Length; i++)
            command.Parameters.AddWithValue($"p{i}", parameters[i]);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
