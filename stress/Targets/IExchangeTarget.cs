namespace Exchange.Stress.Targets;

/// <summary>
/// The exchange a scenario runs against: its gateway and admin token, and the infrastructure faults it can inject.
/// An exchange started in the runner's process cannot lose a silo without losing the runner, so only a cluster of
/// processes supports the silo and database faults; a scenario that needs one refuses to run on a target without it
/// (a clear message, never a silent skip).
/// </summary>
public interface IExchangeTarget : IAsyncDisposable
{
    /// <summary><c>local</c>, <c>cluster</c> or <c>url</c>.</summary>
    string Kind { get; }

    Uri Gateway { get; }

    string AdminToken { get; }

    /// <summary>Which of the faults below this target can inject.</summary>
    InfrastructureFaults Supports { get; }

    /// <summary><c>kill -9</c> of the silo process that hosts <paramref name="symbol"/>'s market (or any silo when null).</summary>
    Task KillSiloAsync(string? symbol, CancellationToken cancellationToken);

    /// <summary>SIGSTOP of a silo process for <paramref name="duration"/>, then SIGCONT.</summary>
    Task FreezeSiloAsync(string? symbol, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Stops the PostgreSQL server for <paramref name="duration"/>, then starts it again.</summary>
    Task StopDatabaseAsync(TimeSpan duration, CancellationToken cancellationToken);
}

[Flags]
public enum InfrastructureFaults
{
    None = 0,
    KillSilo = 1,
    FreezeSilo = 2,
    StopDatabase = 4,
}
