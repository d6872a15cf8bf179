using System.Runtime.CompilerServices;

namespace Exchange.Matching;

/// <summary>
/// The limits of a market whose breaker has a band and no velocity rule: the band around the reference, nothing else.
/// The same limits as <see cref="PriceGuard"/> gives such a market, in the least the matching loop must carry: the two
/// prices (no band: the whole range, so nothing is outside) and the reference for the trip's reason. The band never
/// moves within a command, so the command's fills change nothing.
/// </summary>
internal readonly struct BandGuard(long low, long high, long reference) : IMatchGuard
{
    private readonly long _low = low, _high = high, _reference = reference;

    /// <summary>The band around <paramref name="reference"/> under <paramref name="rules"/>, the whole range when there is none.</summary>
    public static BandGuard Around(BreakerRules rules, long reference) =>
        rules.Band(reference) is var (low, high) ? new BandGuard(low, high, reference) : new BandGuard(long.MinValue, long.MaxValue, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool OutsideBand(Side side, long price) => side == Side.Buy ? price > _high : price < _low;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admits(long price) => price >= _low && price <= _high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Narrow(long price) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Traded(long price, long timestamp, TradeWindow window) { }

    public ModeCause TripCause(long price, BreakerRules? rules) =>
        new(ModeActor.Breaker, FormattableString.Invariant($"band: {price} outside {_low} to {_high} around {_reference}"));
}
