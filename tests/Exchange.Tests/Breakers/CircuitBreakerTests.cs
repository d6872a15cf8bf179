using Exchange.Breakers;
using Exchange.Matching;
using Exchange.Pricing;

namespace Exchange.Tests.Breakers;

/// <summary>The breaker's state machine, one transition at a time, on explicit times (Unix ms).</summary>
public sealed class CircuitBreakerTests
{
    private static readonly BreakerPolicy Policy = new(PauseMs: 120_000, EscalatedPauseMs: 300_000, EscalationWindowMs: 3_600_000,
        ExtensionMs: 60_000, RecheckMs: 5_000, MaxCollarBps: 2_000);

    private static readonly BreakerRules Band = new(500, 300, 60_000);
    private const long T0 = 1_000_000;

    private static BreakerState Paused(long at = T0) =>
        CircuitBreaker.Tripped(BreakerState.Initial, new BreakerTrip(10, at, "band", Band), Policy, at).State;

    private static BreakerState Reopening(BreakerState paused) => CircuitBreaker.BeginReopen(paused, paused.ReopenAtMs).State;

    [Fact]
    public void A_trip_pauses_from_the_trips_own_time_for_the_pause_length_with_the_band_as_collar()
    {
        var state = CircuitBreaker.Tripped(BreakerState.Initial, new BreakerTrip(10, T0, "band", Band), Policy, nowMs: T0 + 700).State;

        Assert.Equal(BreakerPhase.Paused, state.Phase);
        Assert.Equal(10, state.TripSequence);
        Assert.Equal(T0, state.TrippedAtMs);
        Assert.Equal(T0 + 120_000, state.ReopenAtMs);
        Assert.Equal(500, state.CollarBps);
        Assert.Equal(Band, state.NormalRules);
        Assert.Equal([new BreakerTripRecord(10, T0, 120_000, "band")], state.History);
    }

    [Fact]
    public void A_repeated_notice_without_a_time_counts_from_when_it_is_heard()
    {
        var state = CircuitBreaker.Tripped(BreakerState.Initial, new BreakerTrip(10, 0, "band", Band), Policy, nowMs: T0 + 9).State;
        Assert.Equal(T0 + 9 + 120_000, state.ReopenAtMs);
    }

    [Fact]
    public void The_collar_is_the_velocity_limit_when_there_is_no_band()
    {
        var state = CircuitBreaker.Tripped(BreakerState.Initial, new BreakerTrip(3, T0, "velocity", new BreakerRules(0, 300, 60_000)), Policy, T0).State;
        Assert.Equal(300, state.CollarBps);
    }

    [Fact]
    public void News_of_a_trip_while_paused_or_of_one_already_closed_changes_nothing()
    {
        var paused = Paused();
        Assert.Same(paused, CircuitBreaker.Tripped(paused, new BreakerTrip(11, T0 + 5, "again", Band), Policy, T0 + 5).State);

        var closed = CircuitBreaker.Attempted(Reopening(paused), new ReopenAnswer(ReopenOutcome.Reopened, 20), Policy, T0 + 120_000).State;
        Assert.Equal(BreakerPhase.Normal, closed.Phase);
        Assert.Same(closed, CircuitBreaker.Tripped(closed, new BreakerTrip(15, 0, "late repeat", Band), Policy, T0 + 130_000).State);
        Assert.Same(closed, CircuitBreaker.Tripped(closed, new BreakerTrip(20, 0, "late repeat", Band), Policy, T0 + 130_000).State);
    }

    [Fact]
    public void A_second_trip_within_the_escalation_window_pauses_longer_and_one_after_it_does_not()
    {
        var first = CircuitBreaker.Attempted(Reopening(Paused()), new ReopenAnswer(ReopenOutcome.Reopened, 20), Policy, T0 + 120_000).State;

        var soon = CircuitBreaker.Tripped(first, new BreakerTrip(30, T0 + 3_600_000, "band", Band), Policy, T0 + 3_600_000).State;
        Assert.Equal(T0 + 3_600_000 + 300_000, soon.ReopenAtMs);

        var later = CircuitBreaker.Tripped(first, new BreakerTrip(30, T0 + 3_600_001, "band", Band), Policy, T0 + 3_600_001).State;
        Assert.Equal(T0 + 3_600_001 + 120_000, later.ReopenAtMs);
    }

    [Fact]
    public void The_reopen_is_never_begun_before_it_is_due()
    {
        var paused = Paused();
        Assert.False(CircuitBreaker.IsDue(paused, paused.ReopenAtMs - 1));
        Assert.Same(paused, CircuitBreaker.BeginReopen(paused, paused.ReopenAtMs - 1).State);
        Assert.True(CircuitBreaker.IsDue(paused, paused.ReopenAtMs));
        Assert.Equal(BreakerPhase.Reopening, CircuitBreaker.BeginReopen(paused, paused.ReopenAtMs).State.Phase);
        Assert.False(CircuitBreaker.IsDue(BreakerState.Initial, long.MaxValue));
    }

    [Fact]
    public void A_reopening_interrupted_is_tried_again_at_once()
    {
        var reopening = Reopening(Paused());
        Assert.True(CircuitBreaker.IsDue(reopening, 0));
    }

    [Fact]
    public void Reopened_goes_normal_and_records_when_and_after_how_many_extensions()
    {
        var state = CircuitBreaker.Attempted(Reopening(Paused()), new ReopenAnswer(ReopenOutcome.Reopened, 42), Policy, T0 + 120_003).State;

        Assert.Equal(BreakerPhase.Normal, state.Phase);
        Assert.Equal(42, state.ClosedThrough);
        Assert.Equal(new BreakerTripRecord(10, T0, 120_000, "band", 0, T0 + 120_003), state.History.Single());
    }

    [Fact]
    public void A_market_no_longer_paused_by_its_breaker_ends_the_pause_without_a_reopen_time()
    {
        var state = CircuitBreaker.Attempted(Reopening(Paused()), new ReopenAnswer(ReopenOutcome.NotPaused, 33), Policy, T0 + 120_000).State;
        Assert.Equal(BreakerPhase.Normal, state.Phase);
        Assert.Equal(33, state.ClosedThrough);
        Assert.Equal(0, state.History.Single().ReopenedAtMs);
    }

    [Theory]
    [InlineData(ReopenOutcome.IndexNotTrusted)]
    [InlineData(ReopenOutcome.Unavailable)]
    [InlineData(ReopenOutcome.NoReference)]
    public void A_reopen_that_must_wait_is_rechecked_soon_without_widening(ReopenOutcome outcome)
    {
        var step = CircuitBreaker.Attempted(Reopening(Paused()), new ReopenAnswer(outcome, 0), Policy, T0 + 120_000);
        Assert.Equal(BreakerPhase.Paused, step.State.Phase);
        Assert.Equal(T0 + 125_000, step.State.ReopenAtMs);
        Assert.Equal(500, step.State.CollarBps);
        Assert.Equal(0, step.State.Extensions);
        Assert.Null(step.Widen);
    }

    [Fact]
    public void An_auction_outside_its_collar_is_extended_with_the_band_doubled_up_to_the_cap()
    {
        var step = CircuitBreaker.Attempted(Reopening(Paused()), new ReopenAnswer(ReopenOutcome.OutsideCollar, 12), Policy, T0 + 120_000);
        Assert.Equal(BreakerPhase.Paused, step.State.Phase);
        Assert.Equal(T0 + 180_000, step.State.ReopenAtMs);
        Assert.Equal(1_000, step.State.CollarBps);
        Assert.Equal(1, step.State.Extensions);
        Assert.Equal(Band with { BandBps = 1_000 }, step.Widen);
        Assert.Equal(step.Widen, step.State.Widened);

        var again = CircuitBreaker.Attempted(Reopening(step.State), new ReopenAnswer(ReopenOutcome.OutsideCollar, 13), Policy, T0 + 180_000);
        Assert.Equal(2_000, again.State.CollarBps);
        var capped = CircuitBreaker.Attempted(Reopening(again.State), new ReopenAnswer(ReopenOutcome.OutsideCollar, 14), Policy, T0 + 240_000);
        Assert.Equal(2_000, capped.State.CollarBps);
        Assert.Equal(3, capped.State.Extensions);
        Assert.Null(capped.Widen); // nothing new to journal
        Assert.Equal(T0 + 300_000, capped.State.ReopenAtMs);
    }

    [Fact]
    public void Widening_a_velocity_only_collar_adds_a_band_that_the_reopen_takes_back()
    {
        var rules = new BreakerRules(0, 300, 60_000);
        var paused = CircuitBreaker.Tripped(BreakerState.Initial, new BreakerTrip(3, T0, "velocity", rules), Policy, T0).State;
        var step = CircuitBreaker.Attempted(Reopening(paused), new ReopenAnswer(ReopenOutcome.OutsideCollar, 4), Policy, paused.ReopenAtMs);
        Assert.Equal(new BreakerRules(600, 300, 60_000), step.Widen);
        Assert.Equal(rules, step.State.NormalRules);
    }

    [Fact]
    public void Widening_never_narrows_a_band_already_past_the_cap()
    {
        Assert.Equal(3_000, CircuitBreaker.Widen(3_000, 2_000));
        Assert.Equal(2, CircuitBreaker.Widen(1, 2_000));
        Assert.Equal(BreakerRules.MaxBps, CircuitBreaker.Widen(BreakerRules.MaxBps, BreakerRules.MaxBps));
    }

    [Fact]
    public void An_answer_while_not_reopening_changes_nothing()
    {
        var paused = Paused();
        Assert.Same(paused, CircuitBreaker.Attempted(paused, new ReopenAnswer(ReopenOutcome.Reopened, 1), Policy, T0).State);
    }

    [Fact]
    public void The_history_keeps_the_latest_trips()
    {
        var state = BreakerState.Initial;
        for (var i = 1; i <= BreakerState.HistoryLength + 3; i++)
        {
            var at = T0 + i * 10_000_000L;
            state = CircuitBreaker.Tripped(state, new BreakerTrip(i * 10, at, "band", Band), Policy, at).State;
            state = CircuitBreaker.Attempted(CircuitBreaker.BeginReopen(state, state.ReopenAtMs).State,
                new ReopenAnswer(ReopenOutcome.Reopened, i * 10 + 1), Policy, state.ReopenAtMs).State;
        }
        Assert.Equal(BreakerState.HistoryLength, state.History.Length);
        Assert.Equal((BreakerState.HistoryLength + 3) * 10, state.History[^1].Sequence);
    }

    [Fact]
    public void Policies_out_of_bounds_are_named()
    {
        Assert.Null(BreakerPolicy.Default.Problem());
        Assert.NotNull((BreakerPolicy.Default with { PauseMs = 0 }).Problem());
        Assert.NotNull((BreakerPolicy.Default with { EscalatedPauseMs = 1 }).Problem());
        Assert.NotNull((BreakerPolicy.Default with { ExtensionMs = 0 }).Problem());
        Assert.NotNull((BreakerPolicy.Default with { RecheckMs = -1 }).Problem());
        Assert.NotNull((BreakerPolicy.Default with { MaxCollarBps = 10_001 }).Problem());
        Assert.NotNull((BreakerPolicy.Default with { EscalationWindowMs = -1 }).Problem());
    }
}

/// <summary>The reopen check on a market's committed state.</summary>
public sealed class BreakerReopeningTests
{
    private static readonly MarketTerms Terms = new(0, MarketRisk.Default, new ModeCause(ModeActor.Breaker, "band"), Breaker: new BreakerRules(500));

    [Fact]
    public void Only_an_auction_the_breaker_started_is_reopened_by_it()
    {
        Assert.Equal(ReopenOutcome.NotPaused, BreakerReopening.Check(MarketMode.Open, Terms, false, 1_000, null).Outcome);
        Assert.Equal(ReopenOutcome.NotPaused, BreakerReopening.Check(MarketMode.Auction, Terms with { ModeCause = ModeCause.Operator }, false, 1_000, null).Outcome);
        Assert.Equal(ReopenOutcome.NotPaused, BreakerReopening.Check(MarketMode.CancelOnly, Terms, false, 1_000, null).Outcome);
    }

    [Fact]
    public void A_market_that_follows_an_index_waits_for_it_to_be_trusted()
    {
        Assert.Equal(ReopenOutcome.IndexNotTrusted, BreakerReopening.Check(MarketMode.Auction, Terms, true, 1_000, null).Outcome);
        var stale = Terms with { Index = IndexState.Initial(Terms) with { Tick = new IndexTick(1_000, IndexStatus.Stale, 1, -1, default) } };
        Assert.Equal(ReopenOutcome.IndexNotTrusted, BreakerReopening.Check(MarketMode.Auction, stale, true, 1_000, null).Outcome);
        var fresh = Terms with { Index = IndexState.Initial(Terms) with { Tick = new IndexTick(1_000, IndexStatus.Fresh, 1, -1, default) } };
        Assert.Equal(ReopenOutcome.Reopened, BreakerReopening.Check(MarketMode.Auction, fresh, true, 1_000, null).Outcome);
    }

    [Fact]
    public void The_indicative_price_must_lie_within_the_collar_around_the_reference()
    {
        Assert.Equal(new ReopenCheck(ReopenOutcome.Reopened, 950, 1_050),
            BreakerReopening.Check(MarketMode.Auction, Terms, false, 1_000, new AuctionIndication(1_050, 3, 0)));
        Assert.Equal(new ReopenCheck(ReopenOutcome.Reopened, 950, 1_050),
            BreakerReopening.Check(MarketMode.Auction, Terms, false, 1_000, new AuctionIndication(950, 3, 0)));
        Assert.Equal(new ReopenCheck(ReopenOutcome.OutsideCollar, 950, 1_050),
            BreakerReopening.Check(MarketMode.Auction, Terms, false, 1_000, new AuctionIndication(1_051, 3, 0)));
        Assert.Equal(ReopenOutcome.OutsideCollar,
            BreakerReopening.Check(MarketMode.Auction, Terms, false, 1_000, new AuctionIndication(949, 3, 0)).Outcome);
    }

    [Fact]
    public void Nothing_crossing_reopens_at_the_reference_and_no_reference_waits()
    {
        Assert.Equal(ReopenOutcome.Reopened, BreakerReopening.Check(MarketMode.Auction, Terms, false, 1_000, null).Outcome);
        Assert.Equal(ReopenOutcome.NoReference, BreakerReopening.Check(MarketMode.Auction, Terms, false, 0, null).Outcome);
    }
}
