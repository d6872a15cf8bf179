using CsCheck;
using Exchange.Pricing;

namespace Exchange.Tests.Pricing;

/// <summary>Hand-worked readings for each rule (default policy: 2 feeds, 5 s, 2%), then properties over random feeds.</summary>
public sealed class IndexPriceAggregatorTests
{
    private const long Now = 1_000_000;
    private static readonly IndexPolicy Policy = IndexPolicy.Default;

    private static FeedQuote Q(string feed, long price, long ageMs = 100, bool enabled = true) => new(feed, price, Now - ageMs, enabled);

    private static IndexReading Read(long previous, params FeedQuote[] quotes) => IndexPriceAggregator.Aggregate(Policy, quotes, Now, previous);

    private static FeedStatus[] Statuses(IndexReading reading) => [.. reading.Feeds.Select(f => f.Status)];

    [Fact]
    public void Three_agreeing_feeds_give_their_median_fresh()
    {
        var reading = Read(0, Q("a", 10_000, ageMs: 300), Q("b", 10_100), Q("c", 10_050));
        Assert.Equal(new IndexReading(10_050, IndexStatus.Fresh, reading.Feeds), reading);
        Assert.Equal([new("a", 10_000, 300, FeedStatus.Fresh), new("b", 10_100, 100, FeedStatus.Fresh), new("c", 10_050, 100, FeedStatus.Fresh)], reading.Feeds);
    }

    [Fact]
    public void An_even_count_takes_the_mean_of_the_middle_two_half_to_even()
    {
        Assert.Equal(10_002, Read(0, Q("a", 10_000), Q("b", 10_002), Q("c", 10_003), Q("d", 10_004)).Price); // 10002.5
        Assert.Equal(10_002, Read(0, Q("a", 10_000), Q("b", 10_001), Q("c", 10_003), Q("d", 10_004)).Price); // 10002
        Assert.Equal(10_004, Read(0, Q("a", 10_000), Q("b", 10_003), Q("c", 10_004), Q("d", 10_004)).Price); // 10003.5
    }

    [Fact]
    public void A_liar_is_an_outlier_and_the_honest_pair_sets_the_index()
    {
        // The liar's others are {10000, 10010}: 100% away. Each honest feed's others are {honest, liar}, whose
        // median range reaches the other honest feed, so they stay in.
        var reading = Read(0, Q("a", 10_000), Q("b", 10_010), Q("liar", 20_000));
        Assert.Equal(10_005, reading.Price);
        Assert.Equal(IndexStatus.Degraded, reading.Status);
        Assert.Equal([FeedStatus.Fresh, FeedStatus.Fresh, FeedStatus.Outlier], Statuses(reading));
    }

    [Fact]
    public void Two_feeds_that_disagree_are_both_outliers_and_the_index_goes_stale()
    {
        var reading = Read(12_345, Q("a", 10_000), Q("b", 10_500)); // 5% apart, the band is 2%
        Assert.Equal(new IndexReading(12_345, IndexStatus.Stale, reading.Feeds), reading);
        Assert.Equal([FeedStatus.Outlier, FeedStatus.Outlier], Statuses(reading));
        var alone = IndexPriceAggregator.Aggregate(Policy with { MinFeeds = 1 }, [Q("a", 10_000), Q("b", 10_500)], Now, 0);
        Assert.Equal(IndexStatus.Stale, alone.Status);
    }

    [Fact]
    public void A_feed_older_than_the_limit_is_stale_and_the_index_degraded()
    {
        var reading = Read(0, Q("a", 10_000), Q("b", 10_010, ageMs: 5_000), Q("c", 99_999, ageMs: 5_001));
        Assert.Equal(10_005, reading.Price);
        Assert.Equal(IndexStatus.Degraded, reading.Status);
        Assert.Equal([FeedStatus.Fresh, FeedStatus.Fresh, FeedStatus.Stale], Statuses(reading));
        Assert.Equal(new FeedReading("c", 99_999, 5_001, FeedStatus.Stale), reading.Feeds[2]);
    }

    [Fact]
    public void Fewer_agreeing_feeds_than_the_minimum_give_the_previous_price_stale()
    {
        var reading = Read(12_345, Q("a", 10_000), Q("b", 10_010, ageMs: 6_000), Q("c", 0));
        Assert.Equal(12_345, reading.Price);
        Assert.Equal(IndexStatus.Stale, reading.Status);
        Assert.Equal([FeedStatus.Fresh, FeedStatus.Stale, FeedStatus.Missing], Statuses(reading));
        Assert.Equal(new FeedReading("c", 0, 0, FeedStatus.Missing), reading.Feeds[2]);
        Assert.Equal(IndexStatus.Stale, Read(0).Status);
    }

    [Fact]
    public void A_disabled_feed_does_not_count_against_fresh()
    {
        var reading = Read(0, Q("a", 10_000), Q("b", 10_010), Q("off", 50_000, ageMs: 7, enabled: false));
        Assert.Equal(IndexStatus.Fresh, reading.Status);
        Assert.Equal(10_005, reading.Price);
        Assert.Equal(new FeedReading("off", 50_000, 7, FeedStatus.Disabled), reading.Feeds[2]);
    }

    [Fact]
    public void A_quote_without_timestamp_is_missing()
    {
        var reading = IndexPriceAggregator.Aggregate(Policy, [new FeedQuote("a", 10_000, 0, true), Q("b", 10_000), Q("c", 10_000)], Now, 0);
        Assert.Equal([FeedStatus.Missing, FeedStatus.Fresh, FeedStatus.Fresh], Statuses(reading));
        Assert.Equal(IndexStatus.Degraded, reading.Status);
    }

    [Fact]
    public void Half_the_feeds_cannot_drag_the_index_past_the_band_from_the_previous_price()
    {
        // All four agree with each other (each within 2% of the nearer middle of the rest); the median 10225 is
        // 2.25% above 10000, but only 10300 and 10350 are beyond the band: two of four is not a majority.
        var split = Read(10_000, Q("a", 10_100), Q("b", 10_150), Q("c", 10_300), Q("d", 10_350));
        Assert.Equal(new IndexReading(10_200, IndexStatus.Fresh, split.Feeds), split);
        Assert.Equal(9_800, Read(10_000, Q("a", 9_900), Q("b", 9_850), Q("c", 9_720), Q("d", 9_700)).Price); // 9785 bounded

        // Three of four beyond: a majority moves it.
        Assert.Equal(10_275, Read(10_000, Q("a", 10_150), Q("b", 10_250), Q("c", 10_300), Q("d", 10_350)).Price);
        // Without a previous price there is nothing to bound.
        Assert.Equal(10_225, Read(0, Q("a", 10_100), Q("b", 10_150), Q("c", 10_300), Q("d", 10_350)).Price);
    }

    private static readonly Gen<IndexPolicy> Policies =
        Gen.Select(Gen.Int[1, 4], Gen.Long[100, 10_000], Gen.Int[1, 5_000], (m, s, b) => new IndexPolicy(m, s, b));

    /// <summary>Feeds around a common level, some wild, some old, some without price, some disabled.</summary>
    private static readonly Gen<FeedQuote[]> Quotes = Gen.Long[1, 1_000_000_000_000].SelectMany(level =>
        Gen.Select(
            Gen.Frequency((6, Gen.Long[level - level / 20, level + level / 20]), (1, Gen.Long[1, long.MaxValue / 20_000]), (1, Gen.Const(0L))),
            Gen.Frequency((6, Gen.Long[0, 5_000]), (1, Gen.Long[0, 20_000])),
            Gen.Frequency((9, Gen.Const(true)), (1, Gen.Const(false))))
        .Array[0, 8]
        .Select(raw => raw.Select((r, i) => new FeedQuote($"f{i}", r.Item1, Now - r.Item2, r.Item3)).ToArray()));

    [Fact]
    public void The_index_lies_within_the_agreeing_feeds_and_the_statuses_are_consistent()
    {
        Gen.Select(Policies, Quotes, Gen.Long[0, 1_000_000_000_000]).Sample((policy, quotes, previous) =>
        {
            var reading = IndexPriceAggregator.Aggregate(policy, quotes, Now, previous);
            Assert.Equal(quotes.Select(q => q.Feed), reading.Feeds.Select(f => f.Feed));
            var agreeing = reading.Feeds.Where(f => f.Status == FeedStatus.Fresh).Select(f => f.Price).ToArray();
            if (reading.Status == IndexStatus.Stale)
            {
                Assert.Equal(previous, reading.Price);
                Assert.True(agreeing.Length < policy.MinFeeds);
                return;
            }
            Assert.InRange(reading.Price, agreeing.Min(), agreeing.Max());
            var allAgree = reading.Feeds.All(f => f.Status is FeedStatus.Fresh or FeedStatus.Disabled);
            Assert.Equal(allAgree ? IndexStatus.Fresh : IndexStatus.Degraded, reading.Status);
            for (var i = 0; i < quotes.Length; i++)
            {
                var (quote, feed) = (quotes[i], reading.Feeds[i]);
                if (!quote.Enabled) Assert.Equal(FeedStatus.Disabled, feed.Status);
                else if (quote.Price <= 0) Assert.Equal(FeedStatus.Missing, feed.Status);
                else if (Now - quote.Timestamp > policy.StaleAfterMs) Assert.Equal(FeedStatus.Stale, feed.Status);
                else Assert.True(feed.Status is FeedStatus.Fresh or FeedStatus.Outlier);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void One_liar_of_three_cannot_move_the_index_beyond_the_band_around_the_honest_pair()
    {
        // Two honest feeds within the band of each other, a liar anywhere, any previous price, in any order.
        var cases = Gen.Select(Gen.Long[1_000, 1_000_000_000_000], Gen.Int[1, 5_000], Gen.Int[1, 2]).SelectMany(t =>
            Gen.Select(Gen.Long[0, t.Item1 * t.Item2 / 10_000], Gen.Long[1, 1_000_000_000_000_000], Gen.Long[0, 1_000_000_000_000_000], Gen.Int[0, 2],
                (gap, liar, previous, at) => (Policy: new IndexPolicy(t.Item3, 5_000, t.Item2), Low: t.Item1, High: t.Item1 + gap, Liar: liar, Previous: previous, At: at)));
        cases.Sample(c =>
        {
            var prices = new List<long> { c.Low, c.High };
            prices.Insert(c.At, c.Liar);
            var quotes = prices.Select((p, i) => new FeedQuote($"f{i}", p, Now - 10, true)).ToArray();
            var reading = IndexPriceAggregator.Aggregate(c.Policy, quotes, Now, c.Previous);
            Assert.NotEqual(IndexStatus.Stale, reading.Status);
            var bps = c.Policy.MaxDeviationBps;
            Assert.InRange(reading.Price, c.Low - c.Low * bps / 10_000, c.High + c.High * bps / 10_000);
        }, iter: 20_000);
    }
}
