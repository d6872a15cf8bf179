namespace Exchange.Matching;

/// <summary>
/// The uncrossing price of an auction. Executed volume at price p is min(bids at p or better, asks at p or
/// better). The rule: the price with the most volume; ties go to the smallest imbalance, then the price closest
/// to the reference, then the lower price. Any price with the most volume leaves the book uncrossed.
/// <para>
/// Volume and imbalance only change at order prices, so the best price is an order price, a tick either side of
/// one, or the reference price itself: those are the only candidates this looks at.
/// </para>
/// </summary>
public static class AuctionPricing
{
    /// <param name="bids">Bid levels from the highest price down.</param>
    /// <param name="asks">Ask levels from the lowest price up.</param>
    /// <returns>False when nothing crosses.</returns>
    public static bool TryChoose(ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks, long referencePrice,
        out long price, out long volume) => TryChoose(bids, asks, referencePrice, out price, out volume, out _);

    /// <param name="imbalance">At the chosen price, bids at it or higher minus asks at it or lower: positive when buyers
    /// are left over, negative when sellers are (the indicative imbalance an auction publishes).</param>
    public static bool TryChoose(ReadOnlySpan<PriceLevel> bids, ReadOnlySpan<PriceLevel> asks, long referencePrice,
        out long price, out long volume, out long imbalance)
    {
        price = 0;
        volume = 0;
        imbalance = 0;
        if (bids.IsEmpty || asks.IsEmpty || bids[0].Price < asks[0].Price) return false;
        long low = asks[0].Price, high = bids[0].Price;

        var candidates = new List<long> { Math.Clamp(referencePrice, low, high) };
        foreach (var level in bids) AddAround(candidates, level.Price, low, high);
        foreach (var level in asks) AddAround(candidates, level.Price, low, high);
        candidates.Sort();

        // Walk candidates upwards: bid volume at or above p only shrinks, ask volume at or below p only grows.
        long buy = 0, sell = 0, bestImbalance = 0, bestDistance = 0, signed = 0;
        foreach (var b in bids) buy += b.Size;
        int lowestBid = bids.Length - 1, nextAsk = 0;
        foreach (var p in candidates)
        {
            while (lowestBid >= 0 && bids[lowestBid].Price < p) buy -= bids[lowestBid--].Size;
            while (nextAsk < asks.Length && asks[nextAsk].Price <= p) sell += asks[nextAsk++].Size;
            var executed = Math.Min(buy, sell);
            var gap = Math.Abs(buy - sell);
            var distance = Math.Abs(p - referencePrice);
            // Candidates ascend, so on a full tie the first (lower) price stays.
            if (executed > volume
                || (executed == volume && executed > 0
                    && (gap < bestImbalance || (gap == bestImbalance && distance < bestDistance))))
            {
                (price, volume, bestImbalance, bestDistance) = (p, executed, gap, distance);
                signed = buy - sell;
            }
        }
        if (volume > 0) imbalance = signed;
        return volume > 0;
    }

    private static void AddAround(List<long> candidates, long price, long low, long high)
    {
        for (var p = price - 1; p <= price + 1; p++)
            if (p >= low && p <= high) candidates.Add(p);
    }
}
