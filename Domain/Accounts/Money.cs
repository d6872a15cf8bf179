using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// Money arithmetic. Amounts are micro-USD in a long; products go through Int128 and come back checked, so an
/// overflow throws instead of wrapping. Every rounding is in the venue's favour: what a trader pays or must hold
/// rounds up, what a trader receives rounds down.
/// </summary>
public static class Money
{
    public const long BasisPointsPerUnit = 10_000;

    /// <summary>The notional of a quantity at a price: price x size x the spec's micro-USD per tick-lot.</summary>
    public static long Notional(MarketSpec spec, long price, long size) =>
        checked((long)((Int128)price * size * spec.NotionalPerTickLot));

    /// <summary>The fee on a notional: a charge rounds up, a rebate (negative bps) rounds down.</summary>
    public static long Fee(long notional, int bps) => bps >= 0
        ? CeilDiv((Int128)notional * bps, BasisPointsPerUnit)
        : -checked((long)((Int128)notional * -bps / BasisPointsPerUnit));

    /// <summary>Ceiling of a non-negative numerator over a positive denominator, back in a long.</summary>
    public static long CeilDiv(Int128 numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        return checked((long)((numerator + denominator - 1) / denominator));
    }
}
