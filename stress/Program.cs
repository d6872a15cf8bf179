using System.Diagnostics;
using Exchange.Stress.Results;
using Exchange.Stress.Running;
using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;

namespace Exchange.Stress;

/// <summary>
/// <c>dotnet run -c Release --project stress -- run SCENARIO.json [--target local|cluster|url] [--url U --token T]
/// [--postgres CONNECTION] [--out DIR]</c>: plays the scenario, writes the result (and the report) into DIR, prints the
/// verdicts. Exit code 0 when every verdict holds, 1 when one does not, 2 when the scenario or the command is refused.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: stress run <scenario.json> [--target local|cluster|url] [--silos N] [--url URL --token ADMIN_TOKEN] [--postgres CONNECTION] [--out DIR]\n" +
        "       stress check <scenario.json>...   (read and validate scenario files only)";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "check") return Check(args[1..]);
        if (args.Length < 2 || args[0] != "run") return Fail(Usage);
        var file = args[1];
        var options = Options(args[2..]);
        if (options is null) return Fail(Usage);
        Scenario scenario;
        try
        {
            scenario = ScenarioReader.ReadFile(file);
        }
        catch (ScenarioException e)
        {
            return Fail($"{file}: {e.Message}");
        }
        var output = options.GetValueOrDefault("out") ?? Path.Combine("stress-results", $"{scenario.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        // A stop from outside (kill, a container stopping) ends the run as Ctrl+C does; the in-process exchange of the
        // local target would otherwise take the signal for itself and leave the runner waiting on it.
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await using var target = await StartTarget(options, stop.Token);
            var result = await new ScenarioRunner(scenario, file, target, Console.Out).RunAsync(stop.Token);
            result = WriteReport(result, output);
            PrintVerdicts(result, output);
            return result.Passed ? 0 : 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Fail("stopped before the run finished: no report");
        }
        catch (ScenarioRefusedException e)
        {
            return Fail($"refused: {e.Message}");
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>Writes result.json, and the HTML report, into <paramref name="directory"/>; the result carries how long that took.</summary>
    private static StressResult WriteReport(StressResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var watch = Stopwatch.StartNew();
        Report.HtmlReport.Write(result, directory);
        // The page cannot know how long it took to write itself; result.json, written again, does.
        result = result with { Run = result.Run with { ReportMilliseconds = watch.ElapsedMilliseconds } };
        var path = Path.Combine(directory, "result.json");
        File.WriteAllText(path + ".part", ResultJson.Write(result));
        File.Move(path + ".part", path, overwrite: true); // never half a file for a gateway serving the directory
        return result;
    }

    private static async Task<IExchangeTarget> StartTarget(Dictionary<string, string?> options, CancellationToken ct)
    {
        switch (options.GetValueOrDefault("target") ?? "local")
        {
            case "local":
                return await LocalTarget.StartAsync(options.GetValueOrDefault("postgres"), Console.Out, ct);
            case "url":
                var url = options.GetValueOrDefault("url") ?? throw new ArgumentException("--target url needs --url and --token");
                var token = options.GetValueOrDefault("token") ?? throw new ArgumentException("--target url needs --token (the admin token)");
                return new UrlTarget(new Uri(url), token);
            case "cluster":
                // Silo processes that can be killed or frozen and a database that can be stopped, as in production.
                var silos = int.TryParse(options.GetValueOrDefault("silos") ?? "3", out var n) && n is >= 2 and <= 8 ? n
                    : throw new ArgumentException("--silos is 2 to 8");
                Console.WriteLine($"starting a cluster of {silos} silo processes, a gateway process and PostgreSQL...");
                return await ClusterTarget.StartAsync(silos, ct);
            case var other:
                throw new ArgumentException($"--target {other}: local, cluster or url");
        }
    }

    private static Dictionary<string, string?>? Options(string[] args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) return null;
            var name = args[i][2..];
            if (name is not ("target" or "url" or "token" or "out" or "postgres" or "silos")) return null;
            options[name] = args[i + 1];
        }
        return options;
    }

    private static int Check(string[] files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                var s = ScenarioReader.ReadFile(file);
                Console.WriteLine($"{file}: ok ({s.Name}, {s.Markets.Count} markets, {s.DurationSeconds} s, {s.Faults.Count} faults)");
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"{file}: {e.Message}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 2;
    }

    private static void PrintVerdicts(StressResult result, string directory)
    {
        Console.WriteLine();
        Console.WriteLine($"{result.Scenario.Name}: {(result.Passed ? "PASSED" : "FAILED")} ({result.Summary.OrdersSent} orders, " +
                          $"{result.Summary.AccountsLiquidated} accounts liquidated, {result.Summary.BreakerTrips} breaker trips)");
        foreach (var v in result.Verdicts)
            Console.WriteLine($"  {(v.Holds ? "ok  " : "FAIL")} {v.Name}: {v.Observed} (expected {v.Expected}) - {v.Detail}");
        Console.WriteLine($"result: {Path.GetFullPath(Path.Combine(directory, "result.json"))}");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
