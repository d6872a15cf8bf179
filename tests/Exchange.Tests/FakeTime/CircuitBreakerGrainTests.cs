using Exchange.Breakers;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;
using Exchange.Tests.Markets;
using static Exchange.Tests.Infrastructure.Polling;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// The circuit breaker grain beside a market, on fake time: a band trip pauses the market for the pause length (not a
/// millisecond less) and the breaker reopens it by an auction within the band; an auction that cannot clear within its
/// band is extended with a wider band, which the reopen puts back; a stale index holds the reopen until it is trusted;
/// an operator's pause is the operator's to end, and an operator's early release ends the breaker's pause too. Every
/// transition is in the journal with the breaker as actor.
/// </summary>
public sealed class CircuitBreakerGrainTests : IAsyncLifetime
{
    private static readonly BreakerRules Band = new(500);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(BreakerPolicy.Default.PauseMs);
    private FakeTimeCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FakeTimeCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ICircuitBreakerGrain Breaker(string symbol) => _cluster.Exchange.Client.GetGrain<ICircuitBreakerGrain>(symbol);

    private long NowMs => _cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<IMarketGrain> Market(MarketSpec spec)
    {
        Assert.Equal(CreateMarketResult.Created, await _cluster.Exchange.Registry.CreateMarket(spec));
        return _cluster.Exchange.Market(spec.Symbol);
    }

    private static async Task<CommandOutcome> Committed(IMarketGrain market, MarketCommand command)
    {
        var outcome = await market.Execute(command);
        Assert.Equal(CommandStatus.Committed, outcome.Status);
        return outcome;
    }

    /// <summary>A trade at 1,000 sets the reference (band 950 to 1,050), then a market buy sweeps into 1,100 and trips.</summary>
    private static async Task<long> Trip(IMarketGrain market)
    {
        await Committed(market, Limit(1, Side.Sell, 1_000, 5));
        await Committed(market, Limit(2, Side.Buy, 1_000, 5));
        await Committed(market, Limit(1, Side.Sell, 1_010, 2));
        await Committed(market, Limit(1, Side.Sell, 1_100, 5));
        var sweep = await Committed(market, new PlaceCommand(new PlaceOrder(3, Side.Buy, OrderType.Market, 0, 7, TimeInForce.ImmediateOrCancel)));
        var trip = Assert.Single(sweep.Events, e => e.Kind == EventKind.ModeChanged);
        Assert.Equal((MarketMode.Auction, ModeActor.Breaker), (trip.Mode, trip.Actor));
        Assert.DoesNotContain(sweep.Events, e => e.Kind == EventKind.TradeExecuted && e.Price > 1_050);
        return trip.Timestamp / 1_000;
    }

    private async Task<BreakerStatus> Until(string symbol, Func<BreakerStatus, bool> condition, string what) =>
        await Eventually(async () =>
        {
            var status = await Breaker(symbol).GetStatus();
            return condition(status) ? status : throw new InvalidOperationException($"breaker of {symbol} not yet {what}: {status.State}");
        });

    private static async Task<MarketSummary> UntilMode(IMarketGrain market, MarketMode mode) =>
        await Eventually(async () =>
        {
            var summary = await market.GetSummary();
            return summary.Mode == mode ? summary : throw new InvalidOperationException($"market is {summary.Mode}, not yet {mode}");
        });

    private async Task<MarketEvent[]> Journal(string symbol)
    {
        List<MarketEvent> events = [];
        await foreach (var batch in _cluster.Journal.ReadAfter(symbol, 0, CancellationToken.None))
            foreach (var entry in batch.Entries) events.AddRange(entry.Events);
        return [.. events];
    }

    [Fact]
    public async Task A_trip_pauses_for_the_pause_length_then_the_breaker_reopens_within_the_band()
    {
        var spec = Spec(NewSymbol("CB")) with { Breaker = Band };
        var market = await Market(spec);
        var trippedAt = await Trip(market);

        var paused = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused, "paused");
        Assert.Equal(trippedAt + (long)Pause.TotalMilliseconds, paused.State.ReopenAtMs);

        // Orders collect during the pause, crossing at 1,015 to 1,020, inside the band.
        await Committed(market, Limit(4, Side.Buy, 1_020, 3));
        await Committed(market, Limit(5, Side.Sell, 1_015, 3));

        // A millisecond before the end of the pause, even a reminder (or a timer) asking finds nothing due.
        _cluster.Advance(TimeSpan.FromMilliseconds(paused.State.ReopenAtMs - NowMs - 1));
        await Breaker(spec.Symbol).CheckReopen();
        Assert.Equal(MarketMode.Auction, (await market.GetSummary()).Mode);
        Assert.Equal(BreakerPhase.Paused, (await Breaker(spec.Symbol).GetStatus()).State.Phase);

        _cluster.Advance(TimeSpan.FromMilliseconds(1));
        var open = await UntilMode(market, MarketMode.Open);
        Assert.Equal(ModeActor.Breaker, open.Terms!.ModeCause.Actor);
        var normal = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Normal, "normal");
        Assert.Equal(NowMs, normal.State.History.Single().ReopenedAtMs);

        var events = await Journal(spec.Symbol);
        var uncross = Assert.Single(events, e => e.Kind == EventKind.AuctionUncrossed);
        Assert.InRange(uncross.Price, 1_015, 1_020);
        Assert.Equal(3, uncross.Size);
        Assert.Equal(ModeActor.Breaker, events.Last(e => e.Kind == EventKind.ModeChanged).Actor);
        Assert.Equal(Band, open.Terms.Breaker);
    }

    [Fact]
    public async Task An_auction_that_cannot_clear_within_its_band_is_extended_with_a_wider_band_which_the_reopen_puts_back()
    {
        var spec = Spec(NewSymbol("CB")) with { Breaker = Band };
        var market = await Market(spec);
        await Trip(market);
        var paused = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused, "paused");

        // A buyer at 1,200 against the ask at 1,100: the auction would clear at 1,100, outside 950 to 1,050.
        await Committed(market, Limit(4, Side.Buy, 1_200, 3));
        Assert.Equal(1_100, (await market.GetBreaker()).Indicative!.Value.Price);

        _cluster.Advance(TimeSpan.FromMilliseconds(paused.State.ReopenAtMs - NowMs));
        var extended = await Until(spec.Symbol, s => s.State.Extensions == 1 && s.State.Phase == BreakerPhase.Paused, "extended");
        Assert.Equal(NowMs + BreakerPolicy.Default.ExtensionMs, extended.State.ReopenAtMs);
        Assert.Equal(1_000, extended.State.CollarBps);
        var widened = await market.GetSummary();
        Assert.Equal((MarketMode.Auction, new BreakerRules(1_000)), (widened.Mode, widened.Terms!.Breaker));

        _cluster.Advance(TimeSpan.FromMilliseconds(BreakerPolicy.Default.ExtensionMs));
        var open = await UntilMode(market, MarketMode.Open);
        Assert.Equal(Band, open.Terms!.Breaker); // put back in the reopen's own batch
        var events = await Journal(spec.Symbol);
        Assert.Equal(1_100, Assert.Single(events, e => e.Kind == EventKind.AuctionUncrossed).Price);
        Assert.Equal([new BreakerRules(1_000), Band], events.Where(e => e.Kind == EventKind.BreakerRulesChanged).Select(e => e.Breaker));
        var normal = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Normal, "normal");
        Assert.Equal(1, normal.State.History.Single().Extensions);
    }

    [Fact]
    public async Task A_stale_index_during_the_pause_holds_the_reopen_until_the_index_is_trusted_again()
    {
        var index = $"IX-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var spec = Spec(NewSymbol("CB")) with
        {
            Breaker = Band,
            Index = new IndexRules(index, ReopenAfterMs: 1_000, AuctionMs: 1_000, Scaling: MarginScalingPolicy.Off),
        };
        var market = await Market(spec);
        var price = 500 * IndexPrices.Scale; // 1,000 ticks of 0.5
        async Task Tick(IndexStatus status) => await market.ApplyIndex(new IndexUpdate(index, price, status, NowMs, -1));

        // The market starts distrusting its index; fresh readings reopen it through the oracle's auction.
        for (var i = 0; i < 10 && (await market.GetSummary()).Mode != MarketMode.Open; i++)
        {
            await Tick(IndexStatus.Fresh);
            _cluster.Advance(TimeSpan.FromMilliseconds(600));
        }
        Assert.Equal(MarketMode.Open, (await market.GetSummary()).Mode);
        await Tick(IndexStatus.Fresh);
        await Trip(market);
        var paused = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused, "paused");

        // The index goes stale: the breaker's auction stays an auction (nothing trades in either), and at the end of
        // the pause the reopen waits.
        await Tick(IndexStatus.Stale);
        Assert.Equal((MarketMode.Auction, ModeActor.Breaker), ((await market.GetSummary()).Mode, (await market.GetSummary()).Terms!.ModeCause.Actor));
        _cluster.Advance(TimeSpan.FromMilliseconds(paused.State.ReopenAtMs - NowMs));
        var waiting = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused && s.State.ReopenAtMs > paused.State.ReopenAtMs, "rechecking");
        Assert.Equal(NowMs + BreakerPolicy.Default.RecheckMs, waiting.State.ReopenAtMs);
        Assert.Equal(MarketMode.Auction, (await market.GetSummary()).Mode);

        // Trusted again (readings keep coming, as from a live oracle): the next check reopens it.
        for (var s = 0; s < BreakerPolicy.Default.RecheckMs / 1_000; s++)
        {
            await Tick(IndexStatus.Fresh);
            _cluster.Advance(TimeSpan.FromSeconds(1));
        }
        var open = await UntilMode(market, MarketMode.Open);
        Assert.Equal(ModeActor.Breaker, open.Terms!.ModeCause.Actor);
    }

    [Fact]
    public async Task An_operators_pause_is_left_to_the_operator_and_an_early_release_ends_the_breakers_pause()
    {
        var spec = Spec(NewSymbol("CB")) with { Breaker = Band };
        var market = await Market(spec);
        await Trip(market);
        var paused = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused, "paused");

        // The operator releases early (the admin release: an uncross at the reference).
        await Committed(market, new UncrossCommand(1_000));
        Assert.Equal(MarketMode.Open, (await market.GetSummary()).Mode);
        _cluster.Advance(TimeSpan.FromMilliseconds(paused.State.ReopenAtMs - NowMs));
        var normal = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Normal, "normal");
        Assert.Equal(0, normal.State.History.Single().ReopenedAtMs); // not the breaker's reopen

        // The operator's own pause: the breaker never ends it.
        await Committed(market, new SetModeCommand(MarketMode.Auction, new ModeCause(ModeActor.Operator, "maintenance")));
        _cluster.Advance(Pause * 3);
        await Breaker(spec.Symbol).CheckReopen();
        Assert.Equal(BreakerPhase.Normal, (await Breaker(spec.Symbol).GetStatus()).State.Phase);
        Assert.Equal((MarketMode.Auction, ModeActor.Operator), ((await market.GetSummary()).Mode, (await market.GetSummary()).Terms!.ModeCause.Actor));
    }

    [Fact]
    public async Task A_second_trip_within_the_hour_pauses_longer()
    {
        var spec = Spec(NewSymbol("CB")) with { Breaker = Band };
        var market = await Market(spec);
        await Trip(market);
        var first = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused, "paused");
        _cluster.Advance(TimeSpan.FromMilliseconds(first.State.ReopenAtMs - NowMs));
        await UntilMode(market, MarketMode.Open); // nothing crossed: reopened at the reference
        await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Normal, "normal");

        // The book still holds the ask at 1,100; the reference is still 1,000: the next sweep trips again.
        await Committed(market, Limit(1, Side.Sell, 1_020, 1));
        var sweep = await Committed(market, new PlaceCommand(new PlaceOrder(3, Side.Buy, OrderType.Market, 0, 3, TimeInForce.ImmediateOrCancel)));
        var trippedAt = Assert.Single(sweep.Events, e => e.Kind == EventKind.ModeChanged && e.Actor == ModeActor.Breaker).Timestamp / 1_000;
        var second = await Until(spec.Symbol, s => s.State.Phase == BreakerPhase.Paused, "paused again");
        Assert.Equal(trippedAt + BreakerPolicy.Default.EscalatedPauseMs, second.State.ReopenAtMs);
        Assert.Equal(2, second.State.History.Length);
    }
}
