using System.Diagnostics;
using System.Globalization;
using Exchange.Benchmarks.Common;
using Exchange.Matching;

namespace Exchange.Benchmarks.W1;

/// <param name="BandBps">0: every pass on a book without breaker rules. Otherwise the throughput passes alternate (ABBA)
/// between a book without and one with a band this wide, and the run reports the cost of the band check.</param>
internal sealed record W1Options(
    ulong Seed, string Engine, int Passes, int Warmup, int LatencyPasses, int Messages, string? GenerateWith, int BandBps = 0);

/// <summary>
/// Generates W1 once, then replays it, each pass on a fresh book after the (untimed) prefill. Throughput and
/// latency never share a pass: the throughput passes run the messages back to back with one timestamp at each
/// end (a per-message Stopwatch pair costs about 25 ns, and on the fast book the timed passes run a third slower),
/// and separate latency passes time every message on its own. Nothing is allocated inside the timed loop by the
/// harness: latencies go to a preallocated array, one <see cref="EventBuffer"/> is cleared and reused, and the
/// digest is folded from the events with struct math.
/// </summary>
internal static class W1Runner
{
    private readonly record struct PassResult(double Seconds, long[]? Latencies, W1Digest Digest, long AllocatedBytes,
        int Gen0, int Gen1, int Gen2, int RestingAfter);

    public static int Run(W1Options o)
    {
        var ci = CultureInfo.InvariantCulture;
        Measure.PrintMachine();
        Console.WriteLine($"workload: W1 seed={o.Seed} prefill={W1Workload.PrefillCount} timed={o.Messages} "
            + "account=W1 user id, self-trade prevention=None");
        Console.WriteLine($"engine: {o.Engine} (generated with {o.GenerateWith ?? o.Engine}), warmup passes={o.Warmup}, "
            + $"throughput passes={o.Passes} (untimed per message), latency passes={o.LatencyPasses} (every message timed)");

        var sw = Stopwatch.StartNew();
        var data = W1Workload.Generate(W1Workload.CreateBook(o.GenerateWith ?? o.Engine), o.Seed, o.Messages);
        Console.WriteLine($"generated in {sw.Elapsed.TotalSeconds:F2} s; messages hash={data.MessagesHash:X16}; "
            + $"resting after prefill={data.RestingAfterPrefill}, after timed={data.RestingAfterTimed}");
        Console.WriteLine(string.Create(ci, $"timed section: new={data.NewOrders} aggressive={data.Aggressive} "
            + $"({100.0 * data.Aggressive / Math.Max(1, data.NewOrders):F2}%) cancels={data.Cancels} (stale cancel draws={data.StaleDraws})"));
        Console.WriteLine($"generation digest: {data.Digest}");

        var isStandard = o.Seed == W1Workload.DefaultSeed && o.Messages == W1Workload.TimedCount;
        var failed = false;
        if (isStandard)
        {
            var countsOk = data.NewOrders == W1Workload.ExpectedNewOrders && data.Cancels == W1Workload.ExpectedCancels;
            Console.WriteLine($"counts vs W1 document (new={W1Workload.ExpectedNewOrders}, cancels={W1Workload.ExpectedCancels}): {(countsOk ? "MATCH" : "MISMATCH")}");
            failed |= !countsOk;
        }

        bool Check(PassResult r)
        {
            var ok = true;
            if (r.Digest != data.Digest)
            {
                Console.WriteLine($"  DIGEST DIFFERS from generation: {r.Digest} rejections={r.Digest.Rejections}");
                ok = false;
            }
            if (r.RestingAfter != data.RestingAfterTimed)
            {
                Console.WriteLine($"  resting orders after the pass: {r.RestingAfter}, after generation: {data.RestingAfterTimed}");
                ok = false;
            }
            if (r.Digest.Rejections != 0)
            {
                Console.WriteLine($"  {r.Digest.Rejections} commands were rejected (W1 has none)");
                ok = false;
            }
            return ok;
        }

        string Line(string label, PassResult r) => string.Create(ci,
            $"  {label}: {o.Messages / r.Seconds / 1e6:F3} M msgs/s ({r.Seconds * 1e3:F1} ms), "
            + $"alloc {(double)r.AllocatedBytes / o.Messages:F2} B/msg ({r.AllocatedBytes} B), "
            + $"GCs gen0/1/2 {r.Gen0}/{r.Gen1}/{r.Gen2}, resting after {r.RestingAfter}");

        if (o.BandBps > 0) return CompareBand(o, data, Check, Line) || failed ? 1 : 0;

        for (var i = 0; i < o.Warmup; i++)
        {
            var r = RunPass(o.Engine, data, timeEach: false);
            Console.WriteLine(Line($"warmup {i + 1}", r));
            failed |= !Check(r);
        }
        var throughput = new List<PassResult>();
        for (var i = 0; i < o.Passes; i++)
        {
            var r = RunPass(o.Engine, data, timeEach: false);
            Console.WriteLine(Line($"pass {i + 1}", r));
            failed |= !Check(r);
            throughput.Add(r);
        }
        var latency = new List<PassResult>();
        for (var i = 0; i < o.LatencyPasses; i++)
        {
            var r = RunPass(o.Engine, data, timeEach: true);
            Console.WriteLine(Line($"latency pass {i + 1} (timed per message)", r));
            failed |= !Check(r);
            latency.Add(r);
        }
        var all = throughput.Concat(latency).ToList();
        if (all.Count == 0) return failed ? 1 : 0;

        var digest = all[0].Digest;
        Console.WriteLine();
        Console.WriteLine($"digest: {digest}");
        if (isStandard)
        {
            var ok = digest.ToString() == W1Workload.ExpectedDigest;
            Console.WriteLine($"expected: {W1Workload.ExpectedDigest} -> {(ok ? "MATCH" : "MISMATCH")}");
            failed |= !ok;
        }

        if (throughput.Count > 0)
        {
            var tput = throughput.Select(r => o.Messages / r.Seconds).Order().ToList();
            Console.WriteLine(string.Create(ci, $"throughput: {Measure.Median(tput):F0} msgs/s"));
            Console.WriteLine(string.Create(ci, $"throughput spread: median of {tput.Count} passes; min {tput[0]:F0}, max {tput[^1]:F0} msgs/s"));
            var alloc = throughput.Select(r => (double)r.AllocatedBytes / o.Messages).Order().ToList();
            Console.WriteLine(string.Create(ci, $"allocated: {Measure.Median(alloc):F2} B/msg (throughput passes, median; min {alloc[0]:F2}, max {alloc[^1]:F2})"));
        }
        else Console.WriteLine("throughput: not measured (--passes 0)");

        if (latency.Count > 0)
        {
            var pooled = new long[latency.Sum(r => r.Latencies!.Length)];
            var at = 0;
            foreach (var r in latency) { r.Latencies!.CopyTo(pooled, at); at += r.Latencies.Length; }
            Console.WriteLine($"latency ({latency.Count} latency passes pooled, {pooled.Length} messages): {Percentiles(pooled)}");
            var timedTput = latency.Select(r => o.Messages / r.Seconds).ToList();
            Console.WriteLine(string.Create(ci, $"latency passes ran at {Measure.Median(timedTput):F0} msgs/s (median): "
                + $"the per-message timer costs {TimerOverheadNs():F1} ns a Stopwatch.GetTimestamp() pair, included in the latencies"));
        }
        else Console.WriteLine("latency: not measured (--latency-passes 0)");
        Measure.PrintLoad("at end");
        return failed ? 1 : 0;
    }

    /// <summary>
    /// Throughput with and without a band, on the same generated messages, passes alternating off/on/on/off so that
    /// drift in the machine's load falls on both sides alike. Reports each side's median, the ratio of the medians and
    /// the median of the ratios of neighbouring passes. True when a pass failed its checks.
    /// </summary>
    private static bool CompareBand(W1Options o, W1Data data, Func<PassResult, bool> check, Func<string, PassResult, string> line)
    {
        var ci = CultureInfo.InvariantCulture;
        var failed = false;
        Console.WriteLine($"band comparison: {o.BandBps} bps band vs none, {o.Passes} passes each, alternating off/on/on/off");
        for (var i = 0; i < o.Warmup; i++)
            foreach (var band in (int[])[0, o.BandBps])
            {
                var r = RunPass(o.Engine, data, timeEach: false, band);
                Console.WriteLine(line($"warmup {i + 1} band={band}", r));
                failed |= !check(r);
            }
        var off = new List<double>();
        var on = new List<double>();
        var ratios = new List<double>();
        for (var i = 0; i < o.Passes; i++)
        {
            var order = i % 2 == 0 ? (int[])[0, o.BandBps] : [o.BandBps, 0];
            double offRate = 0, onRate = 0;
            foreach (var band in order)
            {
                var r = RunPass(o.Engine, data, timeEach: false, band);
                Console.WriteLine(line($"pass {i + 1} band={band}", r));
                failed |= !check(r);
                if (band > 0 && i == 0) Console.WriteLine($"  digest with the band: {r.Digest}"
                    + (o.Seed == W1Workload.DefaultSeed && o.Messages == W1Workload.TimedCount
                        ? $" -> {(r.Digest.ToString() == W1Workload.ExpectedDigest ? "MATCH" : "MISMATCH")} W1's" : ""));
                failed |= band > 0 && o.Seed == W1Workload.DefaultSeed && o.Messages == W1Workload.TimedCount
                    && r.Digest.ToString() != W1Workload.ExpectedDigest;
                if (band == 0) off.Add(offRate = o.Messages / r.Seconds);
                else on.Add(onRate = o.Messages / r.Seconds);
            }
            ratios.Add(onRate / offRate);
        }
        double medianOff = Measure.Median([.. off.Order()]), medianOn = Measure.Median([.. on.Order()]);
        var sortedRatios = ratios.Order().ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(ci, $"band on / off: {medianOn / medianOff:F4} (ratio of medians); "
            + $"{Measure.Median(sortedRatios):F4} (median of {ratios.Count} pairs, min {sortedRatios[0]:F4}, max {sortedRatios[^1]:F4})"));
        Console.WriteLine(string.Create(ci, $"throughput: off {medianOff:F0} msgs/s, on {medianOn:F0} msgs/s (medians of {o.Passes})"));
        Measure.PrintLoad("at end");
        return failed;
    }

    private static PassResult RunPass(string engine, W1Data data, bool timeEach, int bandBps = 0)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var book = W1Workload.CreateBook(engine, bandBps);
        var events = new EventBuffer(1024);
        var prefill = data.Prefill;
        var timed = data.Timed;
        var latencies = timeEach ? new long[timed.Length] : null;
        long timestamp = 0;
        foreach (ref readonly var m in prefill.AsSpan())
        {
            events.Clear();
            m.ApplyTo(book, ++timestamp, events);
        }

        var digest = W1Digest.Create();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        if (latencies is null)
        {
            // Throughput: no per-message timestamps (they cost about 25 ns a message).
            for (var i = 0; i < timed.Length; i++)
            {
                events.Clear();
                timed[i].ApplyTo(book, ++timestamp, events);
                digest.Fold(events.Events);
            }
        }
        else
        {
            for (var i = 0; i < timed.Length; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                events.Clear();
                timed[i].ApplyTo(book, ++timestamp, events);
                digest.Fold(events.Events);
                latencies[i] = Stopwatch.GetTimestamp() - t0;
            }
        }
        var end = Stopwatch.GetTimestamp();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new PassResult((end - start) / (double)Stopwatch.Frequency, latencies, digest, allocated,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2, book.RestingOrderCount);
    }

    private static string Percentiles(long[] ticks)
    {
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double Ns(double p) => Measure.Ns(Measure.Percentile(sorted, p));
        var mean = Measure.Ns((long)sorted.Average(t => (double)t));
        return string.Create(CultureInfo.InvariantCulture,
            $"p50={Ns(0.50):F0} ns p99={Ns(0.99):F0} ns p99.99={Ns(0.9999):F0} ns max={Ns(1.0):F0} ns mean={mean:F0} ns");
    }

    private static double TimerOverheadNs()
    {
        const int n = 1_000_000;
        long sum = 0;
        for (var i = 0; i < n; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            sum += Stopwatch.GetTimestamp() - t0;
        }
        return sum * 1e9 / Stopwatch.Frequency / n;
    }
}
