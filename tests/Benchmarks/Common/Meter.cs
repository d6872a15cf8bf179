using System.Diagnostics;

namespace Exchange.Benchmarks.Common;

/// <summary>What a run cost: CPU per message here and in PostgreSQL, allocation, collections, and the rest of the machine's load.</summary>
internal sealed record ProcessStats(
    double CpuUsPerMessage, double PostgresCpuUsPerMessage, double AllocatedBytesPerMessage,
    int Gen0, int Gen1, int Gen2, TimeSpan GcPause, double OthersCores, double StealCores, string LastGc);

/// <summary>CPU time (this process, the PostgreSQL server, the machine), allocation and GC counts over a run.</summary>
internal readonly record struct Meter(
    int? Postmaster, GcPauseListener Listener, long StartTicks, TimeSpan Cpu, TimeSpan PostgresCpu, TimeSpan MachineBusy, TimeSpan MachineSteal,
    long Allocated, GcCounts Gc)
{
    public static Meter Start(int? postmaster, GcPauseListener listener)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Thread.Sleep(200); // the runtime's events reach listeners a little late
        listener.Drain();
        var (busy, steal) = SystemCpu.Machine();
        return new Meter(postmaster, listener, Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime,
            SystemCpu.Tree(postmaster), busy, steal, GC.GetTotalAllocatedBytes(precise: true), GcCounts.Now());
    }

    public ProcessStats Stop(int messages)
    {
        var n = Math.Max(1, messages);
        var wall = Measure.Seconds(Stopwatch.GetTimestamp() - StartTicks);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - Cpu;
        var postgres = SystemCpu.Tree(Postmaster) - PostgresCpu;
        var (busy, steal) = SystemCpu.Machine();
        // What the rest of the machine used meanwhile (other people's test runs, on this shared VM), in cores.
        var others = Math.Max(0, (busy - MachineBusy - cpu - postgres).TotalSeconds / wall);
        var gc = GcCounts.Now() - Gc;
        return new ProcessStats(cpu.TotalMicroseconds / n, postgres.TotalMicroseconds / n,
            (double)(GC.GetTotalAllocatedBytes(precise: true) - Allocated) / n,
            gc.Gen0, gc.Gen1, gc.Gen2, gc.Paused, others, (steal - MachineSteal).TotalSeconds / wall, LastGcInfo(Listener));
    }

    /// <summary>The most recent collection: how long it paused, what it kept, how big the heap was.</summary>
    private static string LastGcInfo(GcPauseListener listener)
    {
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        if (gc.Index == 0) return "none";
        var pause = gc.PauseDurations.Length > 0 ? gc.PauseDurations[0].TotalMilliseconds : 0;
        Thread.Sleep(200); // the runtime's events reach listeners a little late
        var (count, suspend, maxSuspend, collect, maxCollect, maxTotal) = listener.Drain();
        return string.Create(Measure.Ci, $"last: gen{gc.Generation} paused {pause:F1} ms, promoted {gc.PromotedBytes / 1e6:F0} MB, "
            + $"heap {gc.HeapSizeBytes / 1e6:F0} MB after; from GC events ({count} GCs): suspending threads {suspend:F0} ms in all "
            + $"(max {maxSuspend:F1}), collecting {collect:F0} ms (max {maxCollect:F1}), longest pause {maxTotal:F1} ms");
    }
}

