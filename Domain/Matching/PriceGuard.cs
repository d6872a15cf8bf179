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
/// A fill at a price outside either is not printed: the taker stops there and the book trips to an auction with
/// <see cref="TripCause"/>. The reference does not follow the command's own fills, so one sweep cannot walk the band
/// along with it. A plain value the book keeps on its stack: nothing here allocates until a trip.
/// </summary>
internal struct PriceGuard
{
    private int _velocityBps;
    private long _windowMs;

    /// <summary>Whether any limit applies (false: the breaker is off, or there is nothing to measure from yet).</summary>
    public bool Active;
    public bool HasBand;
    public long Reference, BandLow, BandHigh;
    public long VelocityLow, VelocityHigh;
    public long Low, High;

    public static PriceGuard Begin(MarketTerms terms, long lastTradePrice, TradeWindow window, long timestamp)
    {
        var guard = new PriceGuard { Low = long.MinValue, High = long.MaxValue, VelocityLow = long.MinValue, VelocityHigh = long.MaxValue };
        if (terms.Breaker is not { } rules) return guard;
        var reference = terms.Index is { Tick.IsTrusted: true } index ? index.Tick.IndexTicks : lastTradePrice;
        if (rules.BandBps > 0 && reference > 0)
        {
            var width = BreakerRules.Width(reference, rules.BandBps);
            (guard.HasBand, guard.Reference, guard.BandLow, guard.BandHigh) = (true, reference, reference - width, Plus(reference, width));
            (guard.Low, guard.High, guard.Active) = (guard.BandLow, guard.BandHigh, true);
        }
        if (rules.VelocityBps > 0)
        {
            (guard._velocityBps, guard._windowMs, guard.Active) = (rules.VelocityBps, rules.VelocityWindowMs, true);
            // Microsecond timestamps; a window reaching before time 0 takes everything remembered.
            if (window.TryRange(timestamp - rules.VelocityWindowMs * 1_000, out var low, out var high))
            {
                guard.VelocityLow = high - BreakerRules.Width(high, rules.VelocityBps);
                guard.VelocityHigh = Plus(low, BreakerRules.Width(low, rules.VelocityBps));
                guard.Low = Math.Max(guard.Low, guard.VelocityLow);
                guard.High = Math.Min(guard.High, guard.VelocityHigh);
            }
        }
        return guard;
    }

    public readonly bool Velocity => _velocityBps > 0;

    /// <summary>Would a limit order at this price be beyond the band on its aggressive side (a buy above, a sell below)?</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool OutsideBand(Side side, long price) =>
        HasBand && (side == Side.Buy ? price > BandHigh : price < BandLow);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Admits(long price) => !Active || (price >= Low && price <= High);

    /// <summary>A fill printed at <paramref name="price"/>: the velocity limits tighten around it.</summary>
    public void Narrow(long price)
    {
        if (_velocityBps == 0) return;
        var width = BreakerRules.Width(price, _velocityBps);
        VelocityLow = Math.Max(VelocityLow, price - width);
        VelocityHigh = Math.Min(VelocityHigh, Plus(price, width));
        Low = Math.Max(Low, VelocityLow);
        High = Math.Min(High, VelocityHigh);
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

    /// <summary>A price plus a positive width, saturating at the largest price (width is at most the price, so a price
    /// above half the long range could overflow).</summary>
    private static long Plus(long price, long width) => price > long.MaxValue - width ? long.MaxValue : price + width;

    /// <summary>Why the breaker trips at a price this guard refused: the band first, else the velocity limits.</summary>
    public readonly ModeCause TripCause(long price) =>
        HasBand && (price < BandLow || price > BandHigh)
            ? new ModeCause(ModeActor.Breaker, FormattableString.Invariant($"band: {price} outside {BandLow} to {BandHigh} around {Reference}"))
            : new ModeCause(ModeActor.Breaker, FormattableString.Invariant(
                $"velocity: {price} outside {VelocityLow} to {VelocityHigh}, {_velocityBps} bps within {_windowMs} ms"));
}
