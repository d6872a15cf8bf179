namespace Exchange.Pricing;

/// <summary>
/// A market's mark from its index (in the market's ticks), in the spirit of Binance and Hyperliquid: the median of
/// index + basis average, book mid and last trade, but held within a band around the index, so that the market's
/// own book can never carry the mark (and with it margin and liquidations) away from the venues' price. Prices
/// are ticks; the basis is kept in thousandths of a tick so that a basis of a fraction of a tick is not lost.
/// </summary>
public static class MarkPriceRule
{
    private const long Ppm = 1_000_000;

    /// <summary>
    /// The basis average after one index tick: lambda x basis + (1 - lambda) x (mid - index) with both sides of the
    /// book (0 is an empty side), else lambda x basis (a one-sided book says nothing about the basis, which fades).
    /// In milli-ticks, half to even.
    /// </summary>
    public static long UpdateBasis(MarkPolicy policy, long basisMilliTicks, long indexTicks, long bestBid, long bestAsk)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(indexTicks);
        var weighted = (Int128)policy.BasisLambdaPpm * basisMilliTicks;
        if (bestBid > 0 && bestAsk > 0)
            weighted += (Ppm - policy.BasisLambdaPpm) * (MidMilliTicks(bestBid, bestAsk) - (Int128)indexTicks * 1_000);
        return (long)ExactMath.DivideHalfEven(weighted, Ppm);
    }

    /// <summary>
    /// The mark: of the candidates index + basis, book mid (both sides present) and last trade (&gt; 0), the median
    /// of three, of two the one closer to the index (index + basis on a tie), of one itself; compared in milli-ticks
    /// and rounded once, half to even; then held within index +- BandBps (the band's width rounded down, inwards).
    /// At least 1.
    /// </summary>
    public static long Mark(MarkPolicy policy, long indexTicks, long basisMilliTicks, long bestBid, long bestAsk, long lastTrade)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(indexTicks);
        var index = (Int128)indexTicks * 1_000;
        var candidates = new List<Int128>(3) { index + basisMilliTicks };
        if (bestBid > 0 && bestAsk > 0) candidates.Add(MidMilliTicks(bestBid, bestAsk));
        if (lastTrade > 0) candidates.Add((Int128)lastTrade * 1_000);
        var chosen = candidates.Count switch
        {
            3 => candidates.Order().ElementAt(1),
            2 => Int128.Abs(candidates[1] - index) < Int128.Abs(candidates[0] - index) ? candidates[1] : candidates[0],
            _ => candidates[0],
        };
        var band = (long)((Int128)indexTicks * policy.BandBps / 10_000);
        var mark = Int128.Clamp(ExactMath.DivideHalfEven(chosen, 1_000), indexTicks - band, indexTicks + band);
        return (long)Int128.Max(mark, 1);
    }

    private static Int128 MidMilliTicks(long bestBid, long bestAsk) => ((Int128)bestBid + bestAsk) * 500;
}
