using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Npgsql;

namespace Exchange.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture postgres)
{
    private static readonly string[] JournalTables = ["markets", "market_heads", "market_journal", "market_snapshots"];

    [Fact]
    public async Task Migrations_create_the_journal_tables_and_record_each_file()
    {
        var tables = await QueryAsync<string>(postgres.ConnectionString,
            "select table_name from information_schema.tables where table_schema = 'public'");
        Assert.Superset(new HashSet<string>([.. JournalTables, "schema_migrations"]), new HashSet<string>(tables));

        var recorded = await QueryAsync<string>(postgres.ConnectionString,
            "select version || ':' || checksum from schema_migrations order by version");
        Assert.Equal(Migration.LoadEmbedded().Select(m => $"{m.Version}:{m.Checksum}"), recorded);
        Assert.Contains("0001_market_journal", recorded[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_run_applies_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applyMigrations: false);

        var first = await new MigrationRunner(connectionString).ApplyAsync();
        var second = await new MigrationRunner(connectionString).ApplyAsync();

        Assert.Equal(Migration.LoadEmbedded().Select(m => m.Version), first);
        Assert.Empty(second);
        Assert.Equal(first.Count, await ScalarAsync<long>(connectionString, "select count(*) from schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_runners_on_a_fresh_database_all_succeed_and_apply_each_migration_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applyMigrations: false);

        // Task.Run so the runners really overlap instead of running until their first await in turn.
        var results = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => new MigrationRunner(connectionString).ApplyAsync())));

        // Between them the runners applied every migration exactly once.
        var expected = Migration.LoadEmbedded().Select(m => m.Version).Order(StringComparer.Ordinal);
        Assert.Equal(expected, results.SelectMany(applied => applied).Order(StringComparer.Ordinal));
        Assert.Equal(expected, await QueryAsync<string>(connectionString, "select version from schema_migrations order by version"));
    }

    [Fact]
    public async Task A_changed_file_of_an_applied_migration_is_refused()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var embedded = Migration.LoadEmbedded();
        var edited = embedded.Select((m, i) => i == 0 ? m with { Sql = m.Sql + "\n-- edited after release\n" } : m).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new MigrationRunner(connectionString, edited).ApplyAsync());

        Assert.Contains(embedded[0].Version, error.Message, StringComparison.Ordinal);
        Assert.Contains(edited[0].Checksum, error.Message, StringComparison.Ordinal);
        // The refusal happens before anything runs: the history still holds the original checksum.
        Assert.Equal(embedded[0].Checksum, await ScalarAsync<string>(connectionString,
            $"select checksum from schema_migrations where version = '{embedded[0].Version}'"));
    }

    [Fact]
    public async Task Refused_checksum_blocks_pending_migrations_too()
    {
        var connectionString = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var embedded = Migration.LoadEmbedded();
        var next = new Migration("9999_would_run_next", "create table should_not_exist (id int)");
        var edited = embedded.Select((m, i) => i == 0 ? m with { Sql = m.Sql + " " } : m).Append(next).ToList();

        await Assert.ThrowsAsync<InvalidOperationException>(() => new MigrationRunner(connectionString, edited).ApplyAsync());

        Assert.Equal(0L, await ScalarAsync<long>(connectionString,
            "select count(*) from information_schema.tables where table_name = 'should_not_exist'"));
    }

    [Fact]
    public async Task Two_batches_claiming_the_same_first_sequence_is_a_unique_violation()
    {
        // A market name of its own: the fixture database is shared by the collection.
        var market = $"TEST-{Guid.NewGuid():N}";
        await ExecuteAsync(postgres.ConnectionString, $"insert into markets (symbol, spec) values ('{market}', '{{}}')");
        await InsertEventAsync(postgres.ConnectionString, market, sequence: 1);

        // A second writer (e.g. a stale activation) claiming the same sequence must be rejected by the database.
        var error = await Assert.ThrowsAsync<PostgresException>(
            () => InsertEventAsync(postgres.ConnectionString, market, sequence: 1));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal(1L, await ScalarAsync<long>(postgres.ConnectionString,
            $"select count(*) from market_journal where market = '{market}'"));
    }

    private static async Task InsertEventAsync(string connectionString, string market, long sequence)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "insert into market_journal (market, first_sequence, last_sequence, batch_id, payload) values (@market, @sequence, @sequence, @batch, @payload)",
            connection);
        command.Parameters.AddWithValue("market", market);
        command.Parameters.AddWithValue("sequence", sequence);
        command.Parameters.AddWithValue("batch", Guid.NewGuid());
        command.Parameters.AddWithValue("payload", new byte[] { 1, 2, 3 });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql) =>
        Assert.Single(await QueryAsync<T>(connectionString, sql));

    private static async Task<List<T>> QueryAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
            rows.Add(reader.GetFieldValue<T>(0));
        return rows;
    }
}
