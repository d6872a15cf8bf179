using System.Globalization;
using System.Text;
using Exchange.Stress.Cluster;
using Exchange.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Exchange.Tests.Chaos;

/// <summary>
/// The cluster as it runs in production (processes, PostgreSQL membership, the gateway) under signed load from eight
/// accounts in two markets (one request at a time per account and market), while a silo is killed, another frozen past failure detection and woken, and the database
/// stopped for 30 s. Afterwards nothing acknowledged is missing, no fill counts twice, the audit is exactly zero, and
/// every request got a definite answer or one that its idempotency key settles. Prints how long each fault interrupted
/// each market. About two minutes; filter it out with <c>--filter Category!=Chaos</c>.
/// </summary>
[Trait("Category", "Chaos")]
[Collection(ProcessClusterCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Traders = 8, Active = ProcessCluster.Active, Dead = ProcessCluster.Dead;
    private static readonly TimeSpan DatabaseDown = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    /// <summary>Looser than the targets (5 s) that docs/DEPLOYMENT.md reports against: this machine is shared and has two cores.</summary>
    private static readonly TimeSpan ServesAgainWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Silo_deaths_a_frozen_silo_and_a_database_outage_under_load_lose_nothing()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, deadline.Token);
        var report = new StringBuilder();
        try
        {
            await using var load = await ChaosLoad.StartAsync(cluster.Gateway, Traders);
            await Run(cluster, load, report, deadline.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n{report}\n{cluster.LogTails()}", ex);
        }
    }

    private async Task Run(ProcessCluster cluster, ChaosLoad load, StringBuilder report, CancellationToken cancellationToken)
    {
        var clock = load.Clock;
        await load.ServingSince(TimeSpan.Zero, 50);
        var started = clock.Elapsed;

        // 1. kill -9 the silo hosting a market; an orchestrator starts a replacement once the markets serve again.
        var killed = await Polling.Eventually(() => cluster.HostOf("BTC-PERP"));
        var killedAt = clock.Elapsed;
        killed.Kill();
        var servedAfterKill = await load.ServingSince(killedAt, 1);
        await cluster.WaitForStatus(killed, Dead, TimeSpan.FromSeconds(60), cancellationToken);
        var killedDeclaredDeadAfter = clock.Elapsed - killedAt;
        load.Report(report, $"kill -9 {killed.Name} (hosting BTC-PERP)", killedAt, killedAt, servedAfterKill);
        report.AppendLine(CultureInfo.InvariantCulture, $"  declared dead in the membership table within {Seconds(killedDeclaredDeadAfter)}");
        var replacement = cluster.StartSilo();
        await cluster.WaitForStatus(replacement, Active, TimeSpan.FromSeconds(120), cancellationToken);
        report.AppendLine(CultureInfo.InvariantCulture, $"  replacement {replacement.Name} active at {Seconds(clock.Elapsed)}");

        // 2. SIGSTOP another until the cluster has declared it dead (longer than failure detection), then SIGCONT: it
        //    must learn that it is dead and stop, rather than serve or write as if nothing happened.
        var frozen = await Polling.Eventually(async () =>
        {
            foreach (var symbol in ChaosTrader.Symbols)
                if (await cluster.HostOf(symbol) is var host && host != replacement) return host;
            return cluster.Silos.First(s => !s.HasExited && s != replacement);
        });
        var hosted = new List<string>();
        foreach (var symbol in ChaosTrader.Symbols)
            if (await Polling.Eventually(() => cluster.HostOf(symbol)) == frozen) hosted.Add(symbol);
        var frozenHosts = hosted.Count == 0 ? "no market" : string.Join(" and ", hosted);
        var frozenAt = clock.Elapsed;
        frozen.Freeze();
        await cluster.WaitForStatus(frozen, Dead, TimeSpan.FromSeconds(60), cancellationToken);
        var declaredDeadAfter = clock.Elapsed - frozenAt;
        frozen.Thaw();
        var thawedAt = clock.Elapsed;
        await ProcessCluster.WaitForExit(frozen, TimeSpan.FromSeconds(30), cancellationToken);
        var stoppedItselfAfter = clock.Elapsed - thawedAt;
        var servedAfterFreeze = await load.ServingSince(thawedAt, 1);
        load.Report(report, $"SIGSTOP {frozen.Name} (hosting {frozenHosts})", frozenAt, thawedAt, servedAfterFreeze);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  declared dead {Seconds(declaredDeadAfter)} after SIGSTOP; after SIGCONT it stopped itself in {Seconds(stoppedItselfAfter)}");

        // 3. The database stops for 30 s (the outage is the fault's length, not a wait for anything) and comes back.
        var databaseStoppedAt = clock.Elapsed;
        await cluster.StopDatabase();
        await Task.Delay(DatabaseDown, cancellationToken);
        await cluster.StartDatabase(cancellationToken);
        var databaseBackAt = clock.Elapsed;
        var servedAfterDatabase = await load.ServingSince(databaseBackAt, 20);
        load.Report(report, $"PostgreSQL stopped {DatabaseDown.TotalSeconds:0} s", databaseStoppedAt, databaseBackAt, servedAfterDatabase);

        // 4. SIGTERM drains the silo hosting a market, as a scale-down or a rolling restart does: it must leave within
        //    its shutdown timeout, and the market move with at most a short pause.
        // Draining the last silo would stop the venue, not move a market: a silo lost since (declared dead while the
        // database came back, say) is a failure of its own, named here rather than as markets that never serve again.
        var running = cluster.Silos.Where(s => !s.HasExited).ToArray();
        Assert.True(running.Length >= 2, "before the drain only " + string.Join(", ", running.Select(s => s.Name)) + " runs; exited: " +
            string.Join(", ", cluster.Silos.Where(s => s.HasExited).Select(s => $"{s.Name} (exit code {s.ExitCode})")) + "\n" + report);
        var drained = await Polling.Eventually(() => cluster.HostOf("BTC-PERP"));
        var drainedAt = clock.Elapsed;
        drained.Terminate();
        await ProcessCluster.WaitForExit(drained, TimeSpan.FromSeconds(40), cancellationToken);
        var drainTook = clock.Elapsed - drainedAt;
        var servedAfterDrain = await load.ServingSince(drainedAt, 20);
        load.Report(report, $"SIGTERM {drained.Name} (hosting BTC-PERP)", drainedAt, drainedAt, servedAfterDrain);
        report.AppendLine(CultureInfo.InvariantCulture, $"  the process exited {Seconds(drainTook)} after SIGTERM");
        await load.StopAsync();
        var loadEnded = clock.Elapsed;

        var summary = await load.VerifyNothingLost();
        report.AppendLine(CultureInfo.InvariantCulture, $"load {Seconds(loadEnded - started)}: {summary}");
        report.AppendLine("silo processes at the end: " + string.Join(", ", cluster.Silos.Select(p => $"{p.Name} {(p.HasExited ? "exited" : "running")}")));
        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());

        Assert.True(servedAfterDatabase.Values.Max() - databaseBackAt < ServesAgainWithin, report.ToString());
        Assert.True(servedAfterKill.Values.Max() - killedAt < ServesAgainWithin, report.ToString());
    }

    private static string Seconds(TimeSpan time) => ChaosLoad.Seconds(time);
}
