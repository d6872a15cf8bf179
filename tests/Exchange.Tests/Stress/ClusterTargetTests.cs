using System.Diagnostics;
using Exchange.Stress.Cluster;
using Exchange.Stress.Targets;
using Exchange.Tests.Chaos;
using Exchange.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Exchange.Tests.Stress;

/// <summary>
/// The stress lab's cluster target on real processes: two silos, a signed order, the market's silo killed (and
/// replaced, as an orchestrator would), and the gateway serving orders again; then a short freeze and a short database
/// stop, after each of which it serves again. Bounded: a few minutes at most.
/// </summary>
[Trait("Category", "Chaos")]
[Collection(ProcessClusterCollection.Name)]
public sealed class ClusterTargetTests(ITestOutputHelper output)
{
    private const string Symbol = "BTC-PERP";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    /// <summary>Looser than the 5 s target docs/DEPLOYMENT.md reports against: the machine is shared and has two cores.</summary>
    private static readonly TimeSpan ServesAgainWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_killed_market_host_is_replaced_and_the_gateway_serves_again()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await using var target = await ClusterTarget.StartAsync(silos: 2, deadline.Token);
        try
        {
            Assert.Equal("cluster", target.Kind);
            Assert.Equal(InfrastructureFaults.KillSilo | InfrastructureFaults.FreezeSilo | InfrastructureFaults.StopDatabase, target.Supports);
            using var http = new HttpClient { BaseAddress = target.Gateway, Timeout = TimeSpan.FromSeconds(35) };
            // The stress lab's cluster starts empty (a scenario creates its own markets): the demo market, by hand.
            using (var create = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/markets")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new
                {
                    symbol = Symbol, tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000", marketProtection = "200",
                }),
            })
            {
                create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", target.AdminToken);
                using var created = await http.SendAsync(create, deadline.Token);
                Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            }
            var trader = await ChaosTrader.CreateAsync(http, Stopwatch.StartNew());
            Assert.Equal(Answer.Acknowledged, await trader.PlaceOneAsync(Symbol, "before-kill"));

            var host = await Polling.Eventually(() => target.Cluster.HostOf(Symbol));
            var clock = Stopwatch.StartNew();
            await target.KillSiloAsync(Symbol, deadline.Token);
            var replacedAfter = clock.Elapsed;
            Assert.True(host.HasExited, $"{host.Name} hosted {Symbol} and should have been killed");
            Assert.Equal(2, target.Cluster.Silos.Count(s => !s.HasExited));
            Assert.Equal(2, await target.Cluster.ActiveSilos());
            var servedAfter = await ServesAgain(trader, "after-kill", clock);
            Assert.True(await trader.WasPlaced(Symbol, "before-kill"), "the order acknowledged before the kill is gone");
            Assert.NotEqual(host, await Polling.Eventually(() => target.Cluster.HostOf(Symbol)));

            clock.Restart();
            await target.FreezeSiloAsync(Symbol, TimeSpan.FromMilliseconds(500), deadline.Token);
            var servedAfterFreeze = await ServesAgain(trader, "after-freeze", clock);

            clock.Restart();
            await target.StopDatabaseAsync(TimeSpan.FromSeconds(2), deadline.Token);
            var servedAfterDatabase = await ServesAgain(trader, "after-database", clock);

            output.WriteLine($"kill -9 of {host.Name} (hosting {Symbol}): replacement active {replacedAfter.TotalSeconds:0.00} s after the kill, " +
                $"{Symbol} acknowledged an order again {servedAfter.TotalSeconds:0.00} s after it; a 0.5 s freeze: served again " +
                $"{servedAfterFreeze.TotalSeconds:0.00} s after the call; a 2 s database stop: {servedAfterDatabase.TotalSeconds:0.00} s after the call");
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n{target.Cluster.LogTails()}", ex);
        }
    }

    /// <summary>
    /// Places orders (a new client order id each time) until one is acknowledged, failing after
    /// <see cref="ServesAgainWithin"/>; returns when, on <paramref name="clock"/>.
    /// </summary>
    private static async Task<TimeSpan> ServesAgain(ChaosTrader trader, string prefix, Stopwatch clock)
    {
        var attempt = 0;
        await Polling.Eventually(async () =>
        {
            var answer = await trader.PlaceOneAsync(Symbol, $"{prefix}-{++attempt}");
            if (answer != Answer.Acknowledged) throw new InvalidOperationException($"{prefix}-{attempt}: {answer}");
        }, ServesAgainWithin);
        return clock.Elapsed;
    }
}
