using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Exchange.Benchmarks.Common;
using Exchange.Stress.Cluster;

namespace Exchange.Benchmarks.Cluster;

internal sealed record ClusterThroughputOptions(int[] Silos, int Rounds, int Seconds, int Warmup, int Accounts, int Callers);

/// <summary>
/// Signed orders per second through one gateway process against 1, 2 and 3 silo processes (a fresh cluster of
/// processes each time: PostgreSQL durable, ADO.NET membership), measured by the load generator in closed loop. The
/// silo counts alternate (1, 2, 3, then 3, 2, 1, ...) so that a change in the machine's other load touches each count
/// alike, and each result is given as a ratio against the 1-silo mean of the same run, with the load average beside.
/// </summary>
internal static partial class ClusterThroughputBenchmark
{
    public static ClusterThroughputOptions Parse(string[] args)
    {
        var o = new ClusterThroughputOptions([1, 2, 3], Rounds: 2, Seconds: 20, Warmup: 5, Accounts: 64, Callers: 32);
        var a = new ArgReader(args);
        while (a.Next(out var name))
        {
            o = name switch
            {
                "--silos" => o with { Silos = a.IntList(1) },
                "--rounds" => o with { Rounds = a.Int(1) },
                "--seconds" => o with { Seconds = a.Int(1) },
                "--warmup" => o with { Warmup = a.Int(0) },
                "--accounts" => o with { Accounts = a.Int(1) },
                "--callers" => o with { Callers = a.Int(1) },
                _ => throw a.Unknown(),
            };
        }
        if (!o.Silos.Contains(1)) throw new ArgumentException("--silos must include 1: the ratios are against one silo");
        return o;
    }

    public static async Task<int> RunAsync(ClusterThroughputOptions options)
    {
        var loadGenerator = ProcessCluster.AppPath(Path.Combine("tools", "LoadGenerator"), "Exchange.LoadGenerator.dll");
        var results = new List<Result>();
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var silos in round % 2 == 0 ? options.Silos : options.Silos.Reverse())
            {
                var before = LoadAverage();
                await using var cluster = await ProcessCluster.StartAsync(silos, CancellationToken.None);
                var (output, cpu, window) = await RunLoad(loadGenerator, cluster, options);
                var result = Result.From(silos, round + 1, output, before, LoadAverage(), cpu, window);
                results.Add(result);
                Console.WriteLine(result.Line(null));
            }
        }

        var oneSilo = results.Where(r => r.Silos == 1).Average(r => r.Orders);
        Console.WriteLine();
        Console.WriteLine($"signed orders through one gateway, closed loop, {options.Callers} callers, {options.Accounts} accounts, BTC-PERP and ETH-PERP, {options.Seconds} s measured per run");
        Console.WriteLine("silos  run   req/s  orders/s   p50 ms   p99 ms  CPU ms/req  vs 1 silo  load average (before; after)");
        foreach (var result in results) Console.WriteLine(result.Line(oneSilo));
        foreach (var group in results.GroupBy(r => r.Silos).OrderBy(g => g.Key))
            Console.WriteLine(FormattableString.Invariant(
                $"{group.Key} silo(s): mean {group.Average(r => r.Orders):N0} orders/s, {group.Average(r => r.Orders) / oneSilo:0.00}x one silo, {group.Average(r => r.CpuPerRequestMs):0.00} ms of silo and gateway CPU per request"));
        return 0;
    }

    /// <summary>
    /// Runs the load generator to its end; returns its output and the CPU the silos and the gateway used per request
    /// while it sent orders (from its first phase line to its exit: warm-up and measured seconds, at about the measured
    /// rate), PostgreSQL's not included.
    /// </summary>
    private static async Task<(string Output, TimeSpan? CpuWindow, TimeSpan Window)> RunLoad(string loadGenerator, ProcessCluster cluster, ClusterThroughputOptions options)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[loadGenerator, "--url", cluster.Gateway.ToString(), "--token", ProcessCluster.AdminToken,
                     "--accounts", Text(options.Accounts), "--concurrency", Text(options.Callers), "--duration", Text(options.Seconds),
                     "--warmup", Text(options.Warmup), "--symbols", "BTC-PERP,ETH-PERP"])
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        TimeSpan? cpuAtStart = null;
        var window = Stopwatch.StartNew();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output.AppendLine(line);
            if (cpuAtStart is null && line.StartsWith("== ", StringComparison.Ordinal))
            {
                cpuAtStart = ClusterCpu(cluster);
                window.Restart();
            }
        }
        await process.WaitForExitAsync();
        var cpu = ClusterCpu(cluster) - cpuAtStart;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the load generator failed ({process.ExitCode}):\n{output}\n{await stderr}\n{cluster.LogTails()}");
        return (output.ToString(), cpu, window.Elapsed);
    }

    private static TimeSpan ClusterCpu(ProcessCluster cluster) =>
        cluster.Processes.Where(p => !p.HasExited).Aggregate(TimeSpan.Zero, (sum, p) => sum + p.ProcessorTime);

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"measured [\d.]+ s: [\d,]+ requests, ([\d,]+) req/s \(orders ([\d,]+)/s")]
    private static partial Regex Throughput();

    [GeneratedRegex(@"latency per request: p50 ([\d.]+) ?ms\s+p90 [\d.]+ ?ms\s+p99 ([\d.]+) ?ms")]
    private static partial Regex Latency();

    private sealed record Result(int Silos, int Round, double Requests, double Orders, string P50, string P99, double CpuPerRequestMs,
        string LoadBefore, string LoadAfter)
    {
        public static Result From(int silos, int round, string output, string before, string after, TimeSpan? cpu, TimeSpan window)
        {
            var throughput = Throughput().Match(output);
            var latency = Latency().Match(output);
            if (!throughput.Success) throw new InvalidOperationException($"no throughput line in the load generator's output:\n{output}");
            var requests = Number(throughput.Groups[1].Value);
            var cpuPerRequest = cpu is { } used && requests > 0 ? used.TotalMilliseconds / (requests * window.TotalSeconds) : double.NaN;
            return new Result(silos, round, requests, Number(throughput.Groups[2].Value),
                latency.Success ? latency.Groups[1].Value : "?", latency.Success ? latency.Groups[2].Value : "?", cpuPerRequest, before, after);
        }

        public string Line(double? oneSilo) => FormattableString.Invariant(
            $"{Silos,5} {Round,4} {Requests,7:N0} {Orders,9:N0} {P50,8} {P99,8} {CpuPerRequestMs,10:0.00} {(oneSilo is { } one ? $"{Orders / one:0.00}x" : ""),10}  {LoadBefore}; {LoadAfter}");

        private static double Number(string text) => double.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }
}
