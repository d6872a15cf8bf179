using Exchange.Matching;

namespace Exchange.Breakers;

/// <summary>The reopen check's verdict, with the collar it held the indicative price to.</summary>
public readonly record struct ReopenCheck(ReopenOutcome Outcome, long Low = 0, long High = 0);

/// <summary>
/// Whether a market paused by its breaker may reopen now, from its committed state: it must still be in the breaker's
/// auction, its index (if it follows one) trusted, and the price an uncross would choose (the volume-maximising one,
/// <see cref="AuctionPricing"/>) within the collar around the reference. An auction with nothing crossing reopens at
/// the reference. Read on the market's turn, so the uncross that follows trades exactly what was checked.
/// </summary>
public static class BreakerReopening
{
    public static ReopenCheck Check(MarketMode mode, MarketTerms terms, bool followsIndex, long reference, AuctionIndication? indicative)
    {
        if (mode != MarketMode.Auction || terms.ModeCause.Actor != ModeActor.Breaker) return new(ReopenOutcome.NotPaused);
        if (followsIndex && terms.Index is not { Tick.IsTrusted: true }) return new(ReopenOutcome.IndexNotTrusted);
        if (reference <= 0) return new(ReopenOutcome.NoReference);
        var collar = CircuitBreaker.Collar(terms.Breaker);
        var (low, high) = collar > 0 ? (reference - BreakerRules.Width(reference, collar), BreakerRules.Plus(reference, BreakerRules.Width(reference, collar)))
            : (1L, long.MaxValue);
        if (indicative is { } i && (i.Price < low || i.Price > high)) return new(ReopenOutcome.OutsideCollar, low, high);
        return new(ReopenOutcome.Reopened, low, high);
    }
}
