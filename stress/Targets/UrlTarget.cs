namespace Exchange.Stress.Targets;

/// <summary>
/// An exchange someone else runs, reached at its gateway with its admin token. The runner creates its own markets,
/// indices and accounts there (names from the scenario: a venue that already has them refuses the run), and cannot
/// inject infrastructure faults.
/// </summary>
public sealed class UrlTarget(Uri gateway, string adminToken) : IExchangeTarget
{
    public string Kind => "url";

    public Uri Gateway { get; } = gateway;

    public string AdminToken { get; } = adminToken;

    public InfrastructureFaults Supports => InfrastructureFaults.None;

    public Task KillSiloAsync(string? symbol, CancellationToken cancellationToken) => throw Unsupported("kill a silo");

    public Task FreezeSiloAsync(string? symbol, TimeSpan duration, CancellationToken cancellationToken) => throw Unsupported("freeze a silo");

    public Task StopDatabaseAsync(TimeSpan duration, CancellationToken cancellationToken) => throw Unsupported("stop its database");

    private static NotSupportedException Unsupported(string what) => new($"a target reached by URL cannot {what}: run with --target cluster");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
