using System.Diagnostics;

namespace Exchange.Stress.Running;

/// <summary>
/// The run's clock: milliseconds since the path started (negative while the population is built), the time every
/// series, fault and verdict is placed on.
/// </summary>
internal sealed class RunClock
{
    private long _startTimestamp = Stopwatch.GetTimestamp();

    public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.UtcNow;

    public long NowMs => (long)Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    public void Start()
    {
        _startTimestamp = Stopwatch.GetTimestamp();
        StartedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>Waits until the run's clock reaches <paramref name="ms"/> (at once if it has).</summary>
    public Task UntilAsync(long ms, CancellationToken ct)
    {
        var wait = ms - NowMs;
        return wait > 0 ? Task.Delay(TimeSpan.FromMilliseconds(wait), ct) : Task.CompletedTask;
    }
}
