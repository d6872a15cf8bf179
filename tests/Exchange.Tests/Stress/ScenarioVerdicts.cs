using Exchange.Stress.Results;
using Exchange.Stress.Scenarios;
using Xunit.Abstractions;

namespace Exchange.Tests.Stress;

/// <summary>What every shipped scenario's test requires of its run, whatever the target: the verdicts, all holding.</summary>
internal static class ScenarioVerdicts
{
    private static readonly string[] Standard = ["acknowledged-orders-lost", "money-difference", "positions-net", "unpaid-negative-equity", "adl-minimal"];

    /// <summary>Prints the run's log and verdicts, then asserts the standard verdicts and the file's own are there and hold.</summary>
    public static void AssertAllHold(StressResult result, Scenario scenario, string log, ITestOutputHelper output)
    {
        output.WriteLine(log);
        foreach (var v in result.Verdicts) output.WriteLine($"{(v.Holds ? "ok  " : "FAIL")} {v.Name}: {v.Observed} (expected {v.Expected}) - {v.Detail}");
        foreach (var verdict in Standard) Assert.Contains(result.Verdicts, v => v.Name == verdict);
        Assert.Equal(Standard.Length + scenario.Expect.Count, result.Verdicts.Count);
        Assert.All(result.Verdicts, v => Assert.True(v.Holds, $"{v.Name}: observed {v.Observed}, expected {v.Expected}; {v.Detail}"));
    }
}
