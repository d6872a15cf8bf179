using System.Globalization;

namespace Exchange.Benchmarks.Common;

/// <summary>
/// CPU time from Linux /proc: the whole machine's (to tell how much other processes took during a run; this is a
/// shared development VM), and one process tree's (the PostgreSQL server's postmaster and its children, living or
/// reaped). Zero where /proc is missing.
/// </summary>
internal static class SystemCpu
{
    private const double ClockTicksPerSecond = 100; // USER_HZ: 100 on every Linux the benchmark targets

    /// <summary>Machine-wide CPU time spent busy (not idle, not waiting for I/O) and stolen by the hypervisor.</summary>
    public static (TimeSpan Busy, TimeSpan Steal) Machine()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(); // "cpu  user nice system idle iowait irq softirq steal ..."
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var busy = f[0] + f[1] + f[2] + f[5] + f[6];
            return (Seconds(busy), Seconds(f.Length > 7 ? f[7] : 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }
    }

    /// <summary>The CPU time of a process and its children (alive, or reaped into its cutime/cstime).</summary>
    public static TimeSpan Tree(int? rootPid)
    {
        if (rootPid is not { } root || !Directory.Exists("/proc")) return TimeSpan.Zero;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is not { } s || (pid != root && s.ParentPid != root)) continue;
            ticks += s.Ticks;
        }
        return Seconds(ticks);
    }

    /// <summary>The parent of a process, and whether its command name is <paramref name="comm"/>.</summary>
    public static int? ParentOf(int pid, string comm) =>
        Stat(pid) is { } s && s.Comm == comm ? s.ParentPid : null;

    private static (string Comm, int ParentPid, long Ticks)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var f = stat[(close + 2)..].Split(' ');
            // After comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
            long ticks = 0;
            for (var i = 11; i <= 14; i++) ticks += long.Parse(f[i], CultureInfo.InvariantCulture);
            return (stat[(open + 1)..close], int.Parse(f[1], CultureInfo.InvariantCulture), ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException
            or ArgumentOutOfRangeException)
        {
            return null; // gone while we read it
        }
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
}
