using Exchange.Matching;

namespace Exchange.Breakers;

/// <summary>normal: the market trades; paused: an auction collects orders until the reopen; reopening: the reopen is being tried.</summary>
public enum BreakerPhase : byte
{
    Normal,
    Paused,
    Reopening,
}

/// <summary>
/// A market telling its breaker that matching tripped it (the <c>ModeChanged</c> to an auction with the breaker as
/// actor). <paramref name="AtMs"/> is the trip event's time; 0 when the market repeats the news without knowing it (after
/// a restart), and the breaker then counts from when it hears. <paramref name="Rules"/>: the rules in force at the trip.
/// </summary>
[GenerateSerializer, Immutable, Alias("BreakerTrip")]
public sealed record BreakerTrip(long Sequence, long AtMs, string? Reason, BreakerRules? Rules);

/// <summary>One trip in the breaker's history.</summary>
[GenerateSerializer, Immutable, Alias("BreakerTripRecord")]
public sealed record BreakerTripRecord(long Sequence, long TrippedAtMs, long PauseMs, string? Reason, int Extensions = 0, long ReopenedAtMs = 0);

/// <summary>
/// The breaker of one market. <paramref name="ClosedThrough"/>: the market sequence at which the last pause was seen to
/// end, so that news of an older trip (a repeat still in flight) never pauses the breaker again.
/// <paramref name="CollarBps"/>: how far from the reference the reopening price may be (the band, else the velocity
/// limit, widened by extensions). <paramref name="NormalRules"/>: the market's rules before the breaker widened them.
/// </summary>
[GenerateSerializer, Immutable, Alias("BreakerState")]
public sealed record BreakerState(BreakerPhase Phase, long TripSequence, long TrippedAtMs, long ReopenAtMs, int CollarBps,
    BreakerRules? NormalRules, long ClosedThrough, int Extensions, BreakerTripRecord[] History)
{
    public const int HistoryLength = 10;

    /// <summary>A new state each time: grain storage fills the state object it is given, so no instance is shared.</summary>
    public static BreakerState Initial => new(BreakerPhase.Normal, 0, 0, 0, 0, null, 0, 0, []);

    /// <summary>The rules the breaker journaled to widen the band, which the reopen puts back (null: none).</summary>
    public BreakerRules? Widened => Extensions > 0 && CollarBps > 0 ? (NormalRules ?? BreakerRules.Off) with { BandBps = CollarBps } : null;
}

/// <summary>What a market answered when its breaker asked it to reopen.</summary>
public enum ReopenOutcome : byte
{
    /// <summary>Uncrossed within the collar (or at the reference, with nothing crossing) and open.</summary>
    Reopened,
    /// <summary>Not in an auction the breaker started (an operator released it, or changed the mode): nothing to do.</summary>
    NotPaused,
    /// <summary>The market follows an index that is not trusted now: the reopen waits for it.</summary>
    IndexNotTrusted,
    /// <summary>The indicative price lies outside the collar: the auction is extended, not forced.</summary>
    OutsideCollar,
    /// <summary>No reference price (no trusted index, no trade): the reopen waits (an operator may uncross at a price).</summary>
    NoReference,
    /// <summary>The market could not answer or journal it: try again soon.</summary>
    Unavailable,
}

/// <summary>The market's answer: the outcome, its sequence when it answered, the collar it checked and the indication.</summary>
[GenerateSerializer, Immutable, Alias("ReopenAnswer")]
public sealed record ReopenAnswer(ReopenOutcome Outcome, long Sequence, long Low = 0, long High = 0, AuctionIndication? Indicative = null);

/// <summary>
/// The breaker asking its market to reopen. <paramref name="Widened"/>: the rules the breaker set to widen the band,
/// replaced by <paramref name="Restore"/> in the same batch as the reopen if they are still in force.
/// </summary>
[GenerateSerializer, Immutable, Alias("BreakerReopen")]
public sealed record BreakerReopen(BreakerRules? Widened, BreakerRules? Restore);
