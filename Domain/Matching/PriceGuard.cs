using System.Runtime.CompilerServices;

namespace Exchange.Matching;

/// <summary>
/// The prices one command may trade at in continuous matching, fixed when it starts (<see cref="Begin"/>):
/// <list type="bullet">
/// <item>the band: the reference (the index when the market follows one and it is trusted, else the last trade or
///   uncross price; none yet: no band) plus or minus <see cref="BreakerRules.Width"/> of it;</item>
/// <item>the velocity limits: for every trade the <see cref="TradeWindow"/> remembers within the window, that price
///   plus or minus its width; the command's own fills join them as they print.</item>
/// </list>
/// <see cref="Low"/> and <see cref="High"/> are the intersection of both (narrowing the intersection by a fill is the
/// same as narrowing the velocity limits and intersecting again, since the band never moves within a command). A fill
/// at a price outside them is not printed: the taker stops there and the book trips to an auction with
/// <see cref="TripCause"/>. The reference does not follow the command's own fills, so one sweep cannot walk the band
/// along with it. A small value the book keeps on its stack: nothing here allocates until a trip.
/// </summary>
internal struct PriceGuard : IMatchGuard
{
    public long Low, High;
    public long Reference, BandLow, BandHigh;
    private int _velocityBps;

    /// <summary>No limits (the market does not match, or has no breaker rules).</summary>
    public static PriceGuard None => new() { Low = long.MinValue, High = long.MaxValue };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PriceGuard Begin(MarketTerms terms, long lastTradePrice, TradeWindow window, long timestamp)
    {
        if (terms.Breaker is not { } rules) return None;
        var reference = terms.BreakerReference(lastTradePrice);
        var guard = rules.Band(reference) is var (low, high)
            ? new PriceGuard { Low = low, High = high, Reference = reference, BandLow = low, BandHigh = high }
            : None;
        if (rules.VelocityBps > 0) guard.BeginVelocity(rules, window, timestamp);
        return guard;
    }

    private void BeginVelocity(BreakerRules rules, TradeWindow window, long timestamp)
    {
        _velocityBps = rules.VelocityBps;
        // Microsecond timestamps; a window reaching before time 0 takes everything remembered.
        if (!window.TryRange(timestamp - rules.VelocityWindowMs * 1_000, out var low, out var high)) return;
        Low = Math.Max(Low, high - BreakerRules.Width(high, rules.VelocityBps));
        High = Math.Min(High, Plus(low, BreakerRules.Width(low, rules.VelocityBps)));
    }

    /// <summary>Would a limit order at this price be beyond the band on its aggressive side (a buy above, a sell below)?</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool OutsideBand(Side side, long price) =>
        Reference > 0 && (side == Side.Buy ? price > BandHigh : price < BandLow);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Admits(long price) => price >= Low && price <= High;

    /// <summary>A fill printed at <paramref name="price"/>: the velocity limits tighten around it.</summary>
    public void Narrow(long price)
    {
        if (_velocityBps == 0) return;
        var width = BreakerRules.Width(price, _velocityBps);
        Low = Math.Max(Low, price - width);
        High = Math.Min(High, Plus(price, width));
    }

    /// <summary>A continuous fill printed: remembered for later commands, and the limits tighten around it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Traded(long price, long timestamp, TradeWindow window)
    {
        if (_velocityBps != 0) Remember(price, timestamp, window);
    }

    private void Remember(long price, long timestamp, TradeWindow window)
    {
        window.Record(timestamp, price);
        Narrow(price);
    }

    private static long Plus(long price, long width) => BreakerRules.Plus(price, width);

    /// <summary>
    /// Why the breaker trips at a price this guard refused: the band if the price is outside it, else the velocity
    /// limits (shown as the limits in force, which the band may have narrowed further).
    /// </summary>
    public readonly ModeCause TripCause(long price, BreakerRules? rules) =>
        Reference > 0 && (price < BandLow || price > BandHigh)
            ? new ModeCause(ModeActor.Breaker, FormattableString.Invariant($"band: {price} outside {BandLow} to {BandHigh} around {Reference}"))
            : new ModeCause(ModeActor.Breaker, FormattableString.Invariant(
                $"velocity: {price} outside {Low} to {High}, {_velocityBps} bps within {rules?.VelocityWindowMs ?? 0} ms"));
}
