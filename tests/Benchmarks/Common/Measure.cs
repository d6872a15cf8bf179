using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Exchange.Benchmarks.Common;

/// <summary>What every benchmark prints about the machine, and the statistics they share.</summary>
internal static class Measure
{
    public static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static void PrintMachine()
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical processors, {CpuModel()}, {TotalMemoryGiB()} GiB RAM");
        Console.WriteLine($"os: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        Console.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture}), "
            + $"server GC={GCSettings.IsServerGC}, concurrent GC={AppContext.TryGetSwitch("System.GC.Concurrent", out var c) && c}, "
            + $"GC latency={GCSettings.LatencyMode}, thread-pool minimum={MinWorkers()} workers, "
            + $"tiered PGO={AppContext.TryGetSwitch("System.Runtime.TieredPGO", out var pgo) && pgo}, "
            + $"timer frequency={Stopwatch.Frequency} Hz"
#if DEBUG
            + ", DEBUG BUILD (numbers meaningless)"
#endif
            );
        PrintLoad("at start");
    }

    /// <summary>The one-minute load average now ("?" where the system does not say).</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary>The machine's load average: this is a shared VM, and other people's work skews every figure.</summary>
    public static void PrintLoad(string when)
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            Console.WriteLine($"load average {when}: {parts[0]} / {parts[1]} / {parts[2]} (1 / 5 / 15 min, {Environment.ProcessorCount} cores)");
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stopwatch ticks to nanoseconds.</summary>
    public static double Ns(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    /// <summary>The nearest-rank percentile (p in [0, 1]) of an ascending array, in its own unit.</summary>
    public static long Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>"1.23 ms"-style rendering of a duration in Stopwatch ticks, picking ns, us or ms.</summary>
    public static string Duration(long ticks)
    {
        var ns = Ns(ticks);
        return ns < 10_000 ? string.Create(Ci, $"{ns:F0} ns")
            : ns < 10_000_000 ? string.Create(Ci, $"{ns / 1e3:F0} us")
            : string.Create(Ci, $"{ns / 1e6:F1} ms");
    }

    private static int MinWorkers()
    {
        ThreadPool.GetMinThreads(out var workers, out _);
        return workers;
    }

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        return "cpu model unknown";
    }

    private static string TotalMemoryGiB() =>
        (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024)).ToString("F0", Ci);
}
