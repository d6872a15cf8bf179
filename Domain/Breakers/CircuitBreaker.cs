using Exchange.Matching;

namespace Exchange.Breakers;

/// <summary>A transition: the breaker's next state, and the rules to journal first when the transition widened the band.</summary>
public readonly record struct BreakerStep(BreakerState State, BreakerRules? Widen = null);

/// <summary>
/// The circuit breaker's policy as a pure state machine (time is an argument, in Unix milliseconds). Matching trips the
/// market (band or velocity, inside the book); this decides how long the pause lasts, whether a trip escalates, and
/// what happens when the reopen is due: reopen, wait for the index, or extend with a wider collar. It touches no
/// market: the grain journals what it decides as market commands.
/// <code>
/// normal --trip--> paused --due--> reopening --reopened / not paused--> normal
///                    ^                 |--index not trusted, unavailable--> paused (recheck soon)
///                    +-----------------+--outside collar--> paused (extended, collar widened)
/// </code>
/// </summary>
public static class CircuitBreaker
{
    /// <summary>The width the reopening price must keep to: the band, else the velocity limit (0: none).</summary>
    public static int Collar(BreakerRules? rules) => rules is null ? 0 : rules.BandBps > 0 ? rules.BandBps : rules.VelocityBps;

    /// <summary>The next collar after an extension: doubled, capped at the policy's maximum (never narrower).</summary>
    public static int Widen(int collar, int max) => Math.Max(collar, Math.Min(max, Math.Max(collar * 2, collar + 1)));

    /// <summary>A trip: the pause starts at the trip's time (the journal's, so the schedule never depends on when the news
    /// arrived), longer if the previous trip was within the escalation window. News of a trip the breaker already holds,
    /// or of one before the last pause ended, changes nothing.</summary>
    public static BreakerStep Tripped(BreakerState state, BreakerTrip trip, BreakerPolicy policy, long nowMs)
    {
        if (state.Phase != BreakerPhase.Normal || trip.Sequence <= state.ClosedThrough) return new(state);
        var at = trip.AtMs > 0 ? trip.AtMs : nowMs;
        var escalated = state.History is [.., var last] && policy.EscalationWindowMs > 0 && at - last.TrippedAtMs <= policy.EscalationWindowMs;
        var pause = escalated ? policy.EscalatedPauseMs : policy.PauseMs;
        var record = new BreakerTripRecord(trip.Sequence, at, pause, trip.Reason);
        return new(new BreakerState(BreakerPhase.Paused, trip.Sequence, at, at + pause, Collar(trip.Rules), trip.Rules,
            state.ClosedThrough, 0, Append(state.History, record)));
    }

    /// <summary>Whether the reopen is due: the pause is over, or a reopen was under way (and is tried again).</summary>
    public static bool IsDue(BreakerState state, long nowMs) =>
        state.Phase == BreakerPhase.Reopening || (state.Phase == BreakerPhase.Paused && nowMs >= state.ReopenAtMs);

    /// <summary>Starts the reopen; only when it is due (never early).</summary>
    public static BreakerStep BeginReopen(BreakerState state, long nowMs) =>
        IsDue(state, nowMs) ? new(state with { Phase = BreakerPhase.Reopening }) : new(state);

    /// <summary>The market's answer to the reopen.</summary>
    public static BreakerStep Attempted(BreakerState state, ReopenAnswer answer, BreakerPolicy policy, long nowMs)
    {
        if (state.Phase != BreakerPhase.Reopening) return new(state);
        switch (answer.Outcome)
        {
            case ReopenOutcome.Reopened:
            case ReopenOutcome.NotPaused:
                var reopenedAt = answer.Outcome == ReopenOutcome.Reopened ? nowMs : 0;
                return new(state with
                {
                    Phase = BreakerPhase.Normal, ClosedThrough = Math.Max(state.ClosedThrough, answer.Sequence),
                    History = Close(state.History, state.TripSequence, state.Extensions, reopenedAt),
                });
            case ReopenOutcome.OutsideCollar:
                var collar = Widen(state.CollarBps, policy.MaxCollarBps);
                var extended = state with
                {
                    Phase = BreakerPhase.Paused, ReopenAtMs = nowMs + policy.ExtensionMs, CollarBps = collar, Extensions = state.Extensions + 1,
                };
                return new(extended, collar != state.CollarBps ? extended.Widened : null);
            default:
                return new(state with { Phase = BreakerPhase.Paused, ReopenAtMs = nowMs + policy.RecheckMs });
        }
    }

    private static BreakerTripRecord[] Append(BreakerTripRecord[] history, BreakerTripRecord record) =>
        [.. history.Skip(Math.Max(0, history.Length - BreakerState.HistoryLength + 1)), record];

    private static BreakerTripRecord[] Close(BreakerTripRecord[] history, long sequence, int extensions, long reopenedAtMs) =>
        [.. history.Select(r => r.Sequence == sequence ? r with { Extensions = extensions, ReopenedAtMs = reopenedAtMs } : r)];
}
