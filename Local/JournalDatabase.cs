using Exchange.LocalPostgres;

namespace Exchange.Local;

/// <summary>
/// Where the local run keeps its journal, accounts and API keys: the configured <c>ConnectionStrings:Exchange</c>;
/// else a private PostgreSQL over a data directory that persists across runs; else (no server binaries installed)
/// nowhere durable. Owns the private server and stops it on dispose.
/// </summary>
internal sealed class JournalDatabase : IAsyncDisposable
{
    private readonly PrivatePostgresServer? _server;

    private JournalDatabase(string? connectionString, string description, PrivatePostgresServer? server)
    {
        ConnectionString = connectionString;
        Description = description;
        _server = server;
    }

    /// <summary>Null: in memory.</summary>
    public string? ConnectionString { get; }

    public string Description { get; }

    public bool IsDurable => ConnectionString is not null;

    public static async Task<JournalDatabase> OpenAsync(IConfiguration configuration, LocalDirectory directory, CancellationToken cancellationToken)
    {
        var configured = configuration.GetConnectionString("Exchange");
        if (!string.IsNullOrWhiteSpace(configured))
            return new JournalDatabase(configured, "PostgreSQL (ConnectionStrings:Exchange)", null);

        var binaries = PostgresBinaries.FindDirectory();
        if (binaries is null)
            return new JournalDatabase(null, "IN MEMORY: no PostgreSQL server binaries found, nothing survives a restart", null);

        var root = directory.PathOf("postgres");
        Console.WriteLine($"Starting the private PostgreSQL server over {root} (binaries in {binaries}) ...");
        var server = await PrivatePostgresServer.StartAsync(binaries, root, cancellationToken);
        return new JournalDatabase(server.ConnectionString, $"PostgreSQL (private server over {root}, durable)", server);
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
