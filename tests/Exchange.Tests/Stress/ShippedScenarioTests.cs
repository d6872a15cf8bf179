using Exchange.Stress.Results;
using Exchange.Stress.Running;
using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;
using Exchange.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Exchange.Tests.Stress;

/// <summary>
/// Each small shipped scenario, played by the runner against the local target (a silo and the gateway in this process
/// over a fresh database of the test PostgreSQL), must end with every verdict holding: the standard ones (no
/// acknowledged order lost, money and positions balanced, negative equity all on the bad-debt line, minimal ADL) and
/// those its file expects. The scenario files are the specification; the test adds none of its own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ShippedScenarioTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("flash-crash")]
    [InlineData("lying-feed-crash")]
    [InlineData("feeds-freeze-crash")]
    [InlineData("jelly-squeeze")]
    [InlineData("cascade-oct-2025")]
    [InlineData("order-burst")]
    public async Task The_scenario_ends_with_every_verdict_holding(string name)
    {
        var file = ScenarioFiles.PathOf(name);
        var scenario = ScenarioReader.ReadFile(file);
        using var deadline = new CancellationTokenSource(RunDeadline);
        var log = new StringWriter();
        StressResult result;
        try
        {
            await using var target = await LocalTarget.StartAsync(await postgres.CreateDatabaseAsync(applyMigrations: true), log, deadline.Token);
            result = await new ScenarioRunner(scenario, file, target, log).RunAsync(deadline.Token);
        }
        catch
        {
            output.WriteLine(log.ToString());   // what the run and the exchange said before it failed
            throw;
        }
        ScenarioVerdicts.AssertAllHold(result, scenario, log.ToString(), output);

        // The result is complete: what the report draws was observed, and it survives result.json.
        Assert.NotEmpty(result.Series.Prices);
        Assert.NotEmpty(result.Series.OrderLatency);
        Assert.NotEmpty(result.Series.InsuranceFunds);
        Assert.NotEmpty(result.Series.OpenInterest);
        Assert.NotEmpty(result.Series.BadDebt);
        Assert.True(result.Summary.OrdersAcknowledged > 0);
        Assert.Equal(result.Verdicts, ResultJson.Read(ResultJson.Write(result)).Verdicts);
    }
}
