using System.Diagnostics;

namespace Exchange.Stress.Running;

/// <summary>
/// The run's clock: milliseconds since the path started (negative while the population is built), the time every
/// series, fault and verdict is placed on.
/// </summary>
internal sealed class RunClock
{
    // Before the start the clock reads far below zero, so that nothing done while building counts as the run.
    private const long BeforeStartMs = -1_000_000_000;
    private long _startTimestamp = Stopwatch.GetTimestamp();
    private long _offsetMs = BeforeStartMs;

    public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.UtcNow;

    public long NowMs => (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _startTimestamp)).TotalMilliseconds + Volatile.Read(ref _offsetMs);

    public bool Started => Volatile.Read(ref _offsetMs) == 0;

    public void Start()
    {
        StartedAt = DateTimeOffset.UtcNow;
        Volatile.Write(ref _startTimestamp, Stopwatch.GetTimestamp());
        Volatile.Write(ref _offsetMs, 0);
    }

    /// <summary>Waits until the run's clock reaches <paramref name="ms"/> (at once if it has).</summary>
    public Task UntilAsync(long ms, CancellationToken ct)
    {
        var wait = ms - NowMs;
        return wait > 0 ? Task.Delay(TimeSpan.FromMilliseconds(wait), ct) : Task.CompletedTask;
    }
}
