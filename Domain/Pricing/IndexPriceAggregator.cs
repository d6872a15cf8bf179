namespace Exchange.Pricing;

/// <summary>
/// Computes an index from its feeds' latest prices at a given time; pure, so a reading can be recomputed and
/// tested from its inputs alone. The rules, in order:
/// <list type="number">
/// <item>Each feed is judged alone: Disabled if switched off; Missing without a price and timestamp; Stale if its
/// price is older than <see cref="IndexPolicy.StaleAfterMs"/>; otherwise a candidate.</item>
/// <item>A candidate is an Outlier when it is more than <see cref="IndexPolicy.MaxDeviationBps"/> from the median
/// of the other candidates. With an even number of others the median is the range between the two middle values,
/// and the distance is to the nearer end, so an honest feed is not blamed for the gap between a liar and another
/// honest feed (with three feeds and one liar, the two honest ones stay in). Two candidates that disagree are
/// both outliers: nothing says which one lies, so neither is trusted. Likewise any even split.</item>
/// <item>The rest agree. Fewer than <see cref="IndexPolicy.MinFeeds"/> agreeing: Stale, and the price is the
/// previous one (for display; nothing may stand on it). Otherwise the price is their median (the mean of the middle
/// two for an even count, half to even), Fresh if every enabled feed agrees, else Degraded.</item>
/// <item>Move bound: if the median is further than the band from the previous price, but no more than half of the
/// agreeing feeds are beyond the band on that side, the index moves only to the band's edge (rounded towards the
/// previous price): a minority cannot drag it. For an odd count the median itself is beyond, so a majority always
/// is; the bound settles the even split.</item>
/// </list>
/// </summary>
public static class IndexPriceAggregator
{
    public static IndexReading Aggregate(IndexPolicy policy, IReadOnlyList<FeedQuote> quotes, long now, long previousPrice)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(quotes);
        var statuses = new FeedStatus[quotes.Count];
        for (var i = 0; i < quotes.Count; i++) statuses[i] = Judge(policy, quotes[i], now);

        var candidates = Prices(quotes, statuses, FeedStatus.Fresh);
        Array.Sort(candidates);
        for (var i = 0; i < quotes.Count; i++)
            if (statuses[i] == FeedStatus.Fresh && IsOutlier(candidates, quotes[i].Price, policy.MaxDeviationBps))
                statuses[i] = FeedStatus.Outlier;

        var agreeing = Prices(quotes, statuses, FeedStatus.Fresh);
        Array.Sort(agreeing);
        var feeds = new FeedReading[quotes.Count];
        for (var i = 0; i < quotes.Count; i++) feeds[i] = Reading(quotes[i], statuses[i], now);
        if (agreeing.Length < policy.MinFeeds || agreeing.Length == 0) return new IndexReading(previousPrice, IndexStatus.Stale, feeds);

        var price = Bounded(Median(agreeing), agreeing, previousPrice, policy.MaxDeviationBps);
        var everyEnabledAgrees = statuses.All(s => s is FeedStatus.Fresh or FeedStatus.Disabled);
        return new IndexReading(price, everyEnabledAgrees ? IndexStatus.Fresh : IndexStatus.Degraded, feeds);
    }

    private static bool HasPrice(FeedQuote quote) => quote.Price > 0 && quote.Timestamp > 0;

    private static FeedStatus Judge(IndexPolicy policy, FeedQuote quote, long now) =>
        !quote.Enabled ? FeedStatus.Disabled
        : !HasPrice(quote) ? FeedStatus.Missing
        : now - quote.Timestamp > policy.StaleAfterMs ? FeedStatus.Stale
        : FeedStatus.Fresh;

    private static FeedReading Reading(FeedQuote quote, FeedStatus status, long now) =>
        HasPrice(quote) ? new FeedReading(quote.Feed, quote.Price, now - quote.Timestamp, status) : new FeedReading(quote.Feed, 0, 0, status);

    private static long[] Prices(IReadOnlyList<FeedQuote> quotes, FeedStatus[] statuses, FeedStatus wanted) =>
        [.. quotes.Where((_, i) => statuses[i] == wanted).Select(q => q.Price)];

    /// <summary>Whether a candidate is beyond the band from the nearer middle value of all the other candidates.</summary>
    private static bool IsOutlier(long[] sortedCandidates, long price, int bps)
    {
        var others = sortedCandidates.Length - 1;
        if (others == 0) return false; // alone: nothing to disagree with (MinFeeds decides whether one is enough)
        var self = Array.BinarySearch(sortedCandidates, price); // any copy of an equal value leaves the same others
        long Other(int j) => sortedCandidates[j < self ? j : j + 1];
        var (low, high) = (Other((others - 1) / 2), Other(others / 2));
        var nearest = Math.Clamp(price, low, high);
        return ExactMath.BeyondBand(price, nearest, bps);
    }

    private static long Median(long[] sorted)
    {
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle]
            : (long)ExactMath.DivideHalfEven((Int128)sorted[middle - 1] + sorted[middle], 2);
    }

    private static long Bounded(long median, long[] agreeing, long previous, int bps)
    {
        if (previous <= 0 || !ExactMath.BeyondBand(median, previous, bps)) return median;
        var up = median > previous;
        var beyondOnThatSide = agreeing.Count(p => (p > previous) == up && ExactMath.BeyondBand(p, previous, bps));
        if (beyondOnThatSide * 2 > agreeing.Length) return median;
        var edge = (long)((Int128)previous * bps / 10_000); // rounded down: towards the previous price
        return up ? previous + edge : previous - edge;
    }
}
