using System.Globalization;

namespace Exchange.Benchmarks.Common;

/// <summary>The process's garbage collections so far, by generation, and the time they paused it: subtract two to get a window's.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcCounts operator -(GcCounts a, GcCounts b) => new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused);

    // Counts include the younger generations' (a gen2 collection is also counted as gen1 and gen0).
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Gen0} gen0, {Gen1} gen1, {Gen2} gen2, paused {Paused.TotalMilliseconds:F1} ms");
}
