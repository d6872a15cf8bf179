using Exchange.Breakers;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.Infrastructure.Polling;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Breakers;

/// <summary>
/// The silo holding a market's circuit breaker dies in the middle of the pause (on real PostgreSQL, real time): the
/// market reopens from the survivor, on schedule (its reopen is in the reminder table and the breaker's state in grain
/// storage), neither early nor never.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BreakerFailoverTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_market_paused_by_a_breaker_whose_silo_dies_reopens_on_schedule_from_the_survivor()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var cluster = await ExchangeCluster.StartAsync(database, silos: 2);
        var spec = Spec(NewSymbol("CF")) with { Breaker = new BreakerRules(500) };
        Assert.Equal(CreateMarketResult.Created, await cluster.Registry.CreateMarket(spec));
        var market = cluster.Market(spec.Symbol);
        var breaker = cluster.Client.GetGrain<ICircuitBreakerGrain>(spec.Symbol);
        // Long enough for the silo to be gone well before the reopen is due.
        await breaker.SetPolicy(BreakerPolicy.Default with { PauseMs = 10_000 });

        await market.Execute(Limit(1, Side.Sell, 1_000, 5));
        await market.Execute(Limit(2, Side.Buy, 1_000, 5));
        await market.Execute(Limit(1, Side.Sell, 1_100, 5));
        var sweep = await market.Execute(new PlaceCommand(new PlaceOrder(3, Side.Buy, OrderType.Market, 0, 2, TimeInForce.ImmediateOrCancel)));
        Assert.Contains(sweep.Events, e => e.Kind == EventKind.ModeChanged && e.Actor == ModeActor.Breaker);
        var paused = await Eventually(async () => await breaker.GetStatus() is { State.Phase: BreakerPhase.Paused } s
            ? s : throw new InvalidOperationException("not paused yet"), Deadline);

        await cluster.Cluster.KillSiloAsync(await cluster.SiloHosting(breaker));
        var afterKill = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(afterKill < paused.State.ReopenAtMs, "the silo died after the reopen was due: lengthen the pause");

        var open = await Eventually(async () => await market.GetSummary() is { Mode: MarketMode.Open } s
            ? s : throw new InvalidOperationException("still paused"), Deadline);
        Assert.Equal(ModeActor.Breaker, open.Terms!.ModeCause.Actor);
        var reopenedAt = (await breaker.GetStatus()).State.History.Single().ReopenedAtMs;
        Assert.True(reopenedAt >= paused.State.ReopenAtMs, $"reopened at {reopenedAt}, before {paused.State.ReopenAtMs}");
    }
}
