using System.Collections.Concurrent;
using System.Globalization;
using HdrHistogram;

namespace Exchange.LoadGenerator;

/// <summary>
/// Latencies (microseconds, HDR histogram, 3 significant digits) and counts of answers by kind, HTTP status and error
/// code. Callers record concurrently; the reporter takes a per-second interval histogram and keeps a total of the
/// measured phase.
/// </summary>
internal sealed class LoadStats
{
    private static readonly long HighestMicros = (long)TimeSpan.FromMinutes(2).TotalMicroseconds;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicros)
        .WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly long[] _kinds = new long[3];
    private long _intervalRequests;
    private long _requests;

    public HistogramBase Total { get; } = new LongHistogram(1, HighestMicros, 3);

    public ConcurrentDictionary<int, long> Statuses { get; } = new();

    public ConcurrentDictionary<string, long> Codes { get; } = new(StringComparer.Ordinal);

    public bool Measuring { get; set; }

    /// <summary>Requests answered while measuring (a batch is one request of many items).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    [System.Runtime.CompilerServices.IndexerName("Count")]
    public long this[RequestKind kind] => Interlocked.Read(ref _kinds[(int)kind]);

    public void Record(RequestKind kind, long micros, int status, string? code)
    {
        Latency(micros);
        Item(kind, status, code);
    }

    /// <summary>One request's latency, however many orders it carried.</summary>
    public void Latency(long micros)
    {
        _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicros));
        Interlocked.Increment(ref _intervalRequests);
        if (Measuring) Interlocked.Increment(ref _requests);
    }

    /// <summary>One order's (or cancel's) answer: its status as the API gives it, and its error code.</summary>
    public void Item(RequestKind kind, int status, string? code)
    {
        if (!Measuring) return;
        Interlocked.Increment(ref _kinds[(int)kind]);
        Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (code is not null) Codes.AddOrUpdate(code, 1, (_, n) => n + 1);
    }

    /// <summary>The last interval's line; the interval's latencies join the total when measuring.</summary>
    public string Interval(TimeSpan elapsed, TimeSpan length)
    {
        var interval = _recorder.GetIntervalHistogram();
        var requests = Interlocked.Exchange(ref _intervalRequests, 0);
        if (Measuring) Total.Add(interval);
        var phase = Measuring ? "" : " (warm-up)";
        if (interval.TotalCount == 0) return FormattableString.Invariant($"[{elapsed.TotalSeconds,4:F0}s] no answers{phase}");
        return string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed.TotalSeconds,4:F0}s] {requests / length.TotalSeconds,8:N0} req/s  p50 {Ms(interval.GetValueAtPercentile(50))}  " +
            $"p99 {Ms(interval.GetValueAtPercentile(99))}  max {Ms(interval.GetMaxValue())}  non-2xx {NonSuccess()}{phase}");
    }

    private readonly HistogramBase[] _phaseLatency = Burst.Phases.Select(_ => (HistogramBase)new LongHistogram(1, HighestMicros, 3)).ToArray();
    private readonly long[,] _phaseOrders = new long[3, 3]; // phase x (acknowledged, OVERLOADED, other)

    /// <summary>An order's or cancel's answer attributed to the burst's phase (only while measuring).</summary>
    public void Phased(int phase, RequestKind kind, long micros, int status, string? code)
    {
        if (!Measuring || kind == RequestKind.Cancel) return;
        lock (_phaseLatency)
        {
            _phaseLatency[phase].RecordValue(Math.Clamp(micros, 1, HighestMicros));
            _phaseOrders[phase, status == 201 ? 0 : code == "OVERLOADED" ? 1 : 2]++;
        }
    }

    /// <summary>Per phase of the burst: orders acknowledged, refused OVERLOADED, otherwise answered; their latency.</summary>
    public IEnumerable<string> PhaseReport(TimeSpan before, TimeSpan burst, TimeSpan after)
    {
        TimeSpan[] lengths = [before, burst, after];
        for (var p = 0; p < Burst.Phases.Length; p++)
        {
            var h = _phaseLatency[p];
            if (h.TotalCount == 0) continue;
            var seconds = Math.Max(lengths[p].TotalSeconds, 1e-3);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"orders {Burst.Phases[p],-6}: {h.TotalCount / seconds,8:N0} answered/s, acknowledged {_phaseOrders[p, 0]:N0}, OVERLOADED {_phaseOrders[p, 1]:N0}, other {_phaseOrders[p, 2]:N0}; p50 {Ms(h.GetValueAtPercentile(50))}  p99 {Ms(h.GetValueAtPercentile(99))}");
        }
    }

    public long NonSuccess() => Statuses.Where(s => s.Key is < 200 or >= 300).Sum(s => s.Value);

    public static string Ms(long micros) => (micros / 1000.0).ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}
