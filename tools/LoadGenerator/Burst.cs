using System.Diagnostics;

namespace Exchange.LoadGenerator;

/// <summary>
/// The overload burst of <c>--burst M</c>: the measured phase is split into before, burst and after, and during the
/// burst every caller's open-loop rate is multiplied by M. Shared by the callers (to pace) and the cancel probe and
/// the report (to attribute each answer to its phase).
/// </summary>
internal sealed class Burst(LoadOptions options)
{
    private long _measuringFrom = long.MaxValue;

    public static readonly string[] Phases = ["before", "burst", "after"];

    public bool Enabled => options.BurstMultiplier > 1;

    public void StartMeasuring() => Interlocked.CompareExchange(ref _measuringFrom, Stopwatch.GetTimestamp(), long.MaxValue);

    /// <summary>0 before the burst (and during warm-up), 1 during it, 2 after it.</summary>
    public int PhaseAt(long timestamp)
    {
        var from = Interlocked.Read(ref _measuringFrom);
        if (!Enabled || timestamp < from) return 0;
        var elapsed = Stopwatch.GetElapsedTime(from, timestamp);
        return elapsed < options.BurstAt ? 0 : elapsed < options.BurstAt + options.BurstFor ? 1 : 2;
    }

    /// <summary>The open-loop interval between one caller's requests at <paramref name="timestamp"/>, in Stopwatch ticks.</summary>
    public long Interval(long timestamp, long baseInterval) =>
        PhaseAt(timestamp) == 1 ? Math.Max(1, baseInterval / options.BurstMultiplier) : baseInterval;
}
