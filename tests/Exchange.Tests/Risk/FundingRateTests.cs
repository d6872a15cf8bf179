using CsCheck;
using Exchange.Risk;

namespace Exchange.Tests.Risk;

/// <summary>The funding rule on worked examples, and conservation of payments on random positions that net to zero.</summary>
public sealed class FundingRateTests
{
    [Theory]
    // No premium: interest alone, 100 ppm per 8 hours (12.5 ppm an hour, 12 rounded toward zero).
    [InlineData(10_000, 10_000, 28_800_000, 100)]
    [InlineData(10_000, 10_000, 3_600_000, 12)]
    [InlineData(10_000, 0, 3_600_000, 12)]           // no trusted index: no premium
    // Premium within 0.05% of the interest: the interest wins (F = P + clamp(I - P)).
    [InlineData(10_003, 10_000, 28_800_000, 100)]    // premium 300 ppm: clamp(100 - 300) = -200, F = 100
    // Premium beyond it: F = P - 500 for a rich mark, P + 500 for a cheap one.
    [InlineData(10_100, 10_000, 28_800_000, 9_500)]  // premium 10,000 ppm
    [InlineData(9_900, 10_000, 28_800_000, -9_500)]
    [InlineData(13_000, 10_000, 28_800_000, 40_000)] // capped at 4%
    [InlineData(13_000, 10_000, 3_600_000, 37_437)]  // 299,500 ppm per 8 h, an hour's share (rounded toward zero)
    public void The_rate_follows_premium_and_interest_clamped_and_capped(long mark, long index, long intervalMs, long expectedPpm) =>
        Assert.Equal(expectedPpm, FundingRate.Of(mark, index, intervalMs));

    [Fact]
    public void Payers_round_up_and_receivers_down()
    {
        // 7 lots at 1,001 ticks of 500 micro-USD at 12 ppm: 42.042 micro-USD.
        Assert.Equal(43, FundingRate.Payment(7, 1_001, 500, 12));
        Assert.Equal(-42, FundingRate.Payment(-7, 1_001, 500, 12));
        Assert.Equal(-42, FundingRate.Payment(7, 1_001, 500, -12)); // a negative rate: shorts pay longs
        Assert.Equal(43, FundingRate.Payment(-7, 1_001, 500, -12));
        Assert.Equal(0, FundingRate.Payment(0, 1_001, 500, 12));
    }

    [Fact]
    public void Payments_over_positions_that_net_to_zero_never_create_money() =>
        Gen.Select(Gen.Long[1, 1_000].Array[1, 30], Gen.Long[1, 1_000].Array[1, 30], Gen.Long[1, 100_000], Gen.Long[-40_000, 40_000])
            .Sample((longs, shorts, mark, rate) =>
            {
                // Make both sides the same total: the last short takes up the difference (or another long does).
                var sizes = longs.Concat(shorts.Select(s => -s)).ToList();
                var net = sizes.Sum();
                sizes.Add(-net);
                var kept = sizes.Sum(s => FundingRate.Payment(s, mark, 1_000, rate));
                // The venue keeps at least nothing and less than one unit per position.
                Assert.InRange(kept, 0, sizes.Count);
            });
}
