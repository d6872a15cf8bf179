using Exchange.Stress.Results;
using Exchange.Stress.Running;
using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;
using Exchange.Tests.Chaos;
using Xunit.Abstractions;

namespace Exchange.Tests.Stress;

/// <summary>
/// The shipped scenarios whose faults need processes: a flash crash with the silo hosting its market killed at the
/// worst moment, and one with PostgreSQL stopped. Played on the cluster target (three silo processes, a gateway process
/// and a throwaway PostgreSQL), each must end with every verdict holding, the standard ones and those its file expects.
/// </summary>
[Trait("Category", "Chaos")]
[Collection(ProcessClusterCollection.Name)]
public sealed class ClusterScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("silo-kill-crash")]
    [InlineData("database-stop-crash")]
    public async Task The_scenario_ends_with_every_verdict_holding_on_a_cluster(string name)
    {
        var file = ScenarioFiles.PathOf(name);
        var scenario = ScenarioReader.ReadFile(file);
        using var deadline = new CancellationTokenSource(RunDeadline);
        var log = new StringWriter();
        StressResult result;
        await using (var target = await ClusterTarget.StartAsync(silos: 3, deadline.Token))
            result = await new ScenarioRunner(scenario, file, target, log).RunAsync(deadline.Token);
        ScenarioVerdicts.AssertAllHold(result, scenario, log.ToString(), output);
        // The fault happened, and the run saw it: a mark on the timeline the report draws.
        Assert.Contains(result.Timeline, m => m.Kind == "fault");
        Assert.True(result.Summary.OrdersAcknowledged > 0);
    }
}
