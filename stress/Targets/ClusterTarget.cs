using Exchange.Markets;
using Exchange.Stress.Cluster;

namespace Exchange.Stress.Targets;

/// <summary>
/// A cluster of processes on this machine (<see cref="ProcessCluster"/>: a throwaway durable PostgreSQL, N silos on the
/// ADO.NET membership, one gateway), so every infrastructure fault is real. It acts as an orchestrator would: a silo that
/// is killed, or that wakes from a freeze to find itself declared dead and stops, is replaced by a new process, so the
/// cluster keeps its size from one fault to the next.
/// </summary>
public sealed class ClusterTarget : IExchangeTarget
{
    private static readonly TimeSpan JoinWithin = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FindHostWithin = TimeSpan.FromSeconds(30);
    private readonly ProcessCluster _cluster;

    private ClusterTarget(ProcessCluster cluster) => _cluster = cluster;

    public string Kind => "cluster";

    public Uri Gateway => _cluster.Gateway;

    public string AdminToken => ProcessCluster.AdminToken;

    public InfrastructureFaults Supports => InfrastructureFaults.KillSilo | InfrastructureFaults.FreezeSilo | InfrastructureFaults.StopDatabase;

    /// <summary>The processes underneath, for a report of where things ran (and for tests).</summary>
    public ProcessCluster Cluster => _cluster;

    /// <summary>Starts the database, <paramref name="silos"/> silos and the gateway; returns once the gateway is ready.</summary>
    public static async Task<ClusterTarget> StartAsync(int silos, CancellationToken cancellationToken) =>
        new(await ProcessCluster.StartAsync(silos, cancellationToken, demoMarkets: false, liftRateLimits: true));

    /// <summary>
    /// <c>kill -9</c> of the silo hosting the market (any running silo when <paramref name="symbol"/> is null, or when the
    /// market is active nowhere yet), then a replacement started at once; returns when the replacement is active in the
    /// membership table. The markets the dead silo hosted move when the cluster declares it dead (seconds).
    /// </summary>
    public async Task KillSiloAsync(string? symbol, CancellationToken cancellationToken)
    {
        var victim = await ChooseSilo(symbol, cancellationToken);
        var running = RunningSilos().Count;
        victim.Kill();
        await ProcessCluster.WaitForExit(victim, TimeSpan.FromSeconds(10), cancellationToken);
        var replacement = _cluster.StartSilo();
        await _cluster.WaitForStatus(replacement, ProcessCluster.Active, JoinWithin, cancellationToken);
        if (RunningSilos().Count != running) throw new InvalidOperationException($"expected {running} running silos after the replacement");
    }

    /// <summary>
    /// SIGSTOP of the silo hosting the market (or any) for <paramref name="duration"/>, then SIGCONT (also when cancelled).
    /// A freeze longer than failure detection gets the silo declared dead; woken, it reads that and stops itself, and a
    /// replacement is started then (this returns once it is active). A shorter freeze leaves it running.
    /// </summary>
    public async Task FreezeSiloAsync(string? symbol, TimeSpan duration, CancellationToken cancellationToken)
    {
        var frozen = await ChooseSilo(symbol, cancellationToken);
        frozen.Freeze();
        try
        {
            await Task.Delay(duration, cancellationToken); // the fault's length, not a wait for anything
        }
        finally
        {
            frozen.Thaw();
        }
        if (await _cluster.Status(frozen) != ProcessCluster.Dead) return;
        await ProcessCluster.WaitForExit(frozen, TimeSpan.FromSeconds(60), cancellationToken);
        var replacement = _cluster.StartSilo();
        await _cluster.WaitForStatus(replacement, ProcessCluster.Active, JoinWithin, cancellationToken);
    }

    /// <summary>Stops the PostgreSQL server abruptly for <paramref name="duration"/>, then starts it again (also when cancelled).</summary>
    public async Task StopDatabaseAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await _cluster.StopDatabase();
        try
        {
            await Task.Delay(duration, cancellationToken); // the outage's length, not a wait for anything
        }
        finally
        {
            await _cluster.StartDatabase(CancellationToken.None);
        }
    }

    private List<ClusterProcess> RunningSilos() => [.. _cluster.Silos.Where(s => !s.HasExited)];

    private async Task<ClusterProcess> ChooseSilo(string? symbol, CancellationToken cancellationToken)
    {
        // Asking where a grain is can fail while the cluster recovers from an earlier fault (the answer names a silo
        // that has just died): ask again. A market active nowhere yet (no order reached it) leaves any silo as the victim.
        var host = symbol is null ? null : await Poll.Until(async () =>
            await _cluster.HostOf((await _cluster.Client()).GetGrain<IMarketGrain>(symbol)), FindHostWithin, cancellationToken);
        return host ?? RunningSilos().FirstOrDefault() ?? throw new InvalidOperationException("no silo process is running");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
