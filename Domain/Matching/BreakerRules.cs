namespace Exchange.Matching;

/// <summary>
/// A market's circuit-breaker parameters (0 switches a rule off). <see cref="BandBps"/>: no continuous trade further
/// than this from the reference price (the trusted index, else the last trade or uncross), and no limit order priced
/// beyond it on its aggressive side. <see cref="VelocityBps"/> within <see cref="VelocityWindowMs"/>: no continuous
/// trade further than this from any recent trade the book remembers within the window. A taker that would trade
/// outside either stops there and the market goes to an auction (the breaker's trip). See <see cref="PriceGuard"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("BreakerRules")]
public sealed record BreakerRules(int BandBps = 0, int VelocityBps = 0, long VelocityWindowMs = 0)
{
    public const int MaxBps = 10_000;
    public const long MaxWindowMs = 3_600_000;

    /// <summary>No band, no velocity logic: the market trades as if there were no breaker.</summary>
    public static BreakerRules Off { get; } = new();

    public bool IsOff => BandBps == 0 && VelocityBps == 0;

    public string? Problem()
    {
        if (BandBps is < 0 or > MaxBps) return $"bandBps must be 0 (off) to {MaxBps}";
        if (VelocityBps is < 0 or > MaxBps) return $"velocityBps must be 0 (off) to {MaxBps}";
        if (VelocityWindowMs is < 0 or > MaxWindowMs) return $"velocityWindowMs must be 0 to {MaxWindowMs}";
        if ((VelocityBps == 0) != (VelocityWindowMs == 0)) return "velocityBps and velocityWindowMs are both 0 (off) or both positive";
        return null;
    }

    /// <summary>How far a price may move from <paramref name="from"/>: floor(from x bps / 10,000), at least one tick.</summary>
    public static long Width(long from, int bps)
    {
        // Exact in a long below ~9.2e14 ticks (the common case, and a division by a constant); Int128 above.
        var width = from <= long.MaxValue / MaxBps ? from * bps / 10_000 : (long)((Int128)from * bps / 10_000);
        return Math.Max(1, width);
    }

    /// <summary>
    /// The band around <paramref name="reference"/> (no band without a reference, or with the band rule off): the
    /// reference plus or minus its <see cref="Width"/>, the top saturating at the largest price.
    /// </summary>
    public (long Low, long High)? Band(long reference)
    {
        if (BandBps <= 0 || reference <= 0) return null;
        var width = Width(reference, BandBps);
        return (reference - width, Plus(reference, width));
    }

    /// <summary>A price plus a positive width, saturating at the largest price (width is at most the price, so a price
    /// above half the long range could overflow).</summary>
    internal static long Plus(long price, long width) => price > long.MaxValue - width ? long.MaxValue : price + width;
}
