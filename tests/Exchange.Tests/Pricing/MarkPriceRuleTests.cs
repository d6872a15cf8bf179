using CsCheck;
using Exchange.Pricing;

namespace Exchange.Tests.Pricing;

/// <summary>Index 100_000 ticks and the default policy (band 0.5% = 500 ticks, basis weight 0.9) unless said.</summary>
public sealed class MarkPriceRuleTests
{
    private static readonly MarkPolicy Policy = MarkPolicy.Default;
    private const long Index = 100_000;

    [Fact]
    public void The_basis_averages_mid_minus_index_in_milli_ticks()
    {
        // Mid 100_015 is 15_000 milli-ticks over the index: 0.1 x 15_000 = 1_500, then 0.9 x 1_500 + 1_500 = 2_850.
        var basis = MarkPriceRule.UpdateBasis(Policy, 0, Index, 100_010, 100_020);
        Assert.Equal(1_500, basis);
        basis = MarkPriceRule.UpdateBasis(Policy, basis, Index, 100_010, 100_020);
        Assert.Equal(2_850, basis);
        // A half-tick mid counts: (100_010 + 100_011) / 2 - index = 10.5 ticks = 10_500 milli; 0.1 x that.
        Assert.Equal(1_050, MarkPriceRule.UpdateBasis(Policy, 0, Index, 100_010, 100_011));
    }

    [Fact]
    public void Without_both_sides_the_basis_fades()
    {
        Assert.Equal(2_565, MarkPriceRule.UpdateBasis(Policy, 2_850, Index, 100_010, 0));
        Assert.Equal(-2_565, MarkPriceRule.UpdateBasis(Policy, -2_850, Index, 0, 0));
        Assert.Equal(4, MarkPriceRule.UpdateBasis(Policy, 5, Index, 0, 100_020));   // 4.5 -> 4
        Assert.Equal(14, MarkPriceRule.UpdateBasis(Policy, 15, Index, 0, 100_020)); // 13.5 -> 14
        Assert.Equal(0, MarkPriceRule.UpdateBasis(Policy with { BasisLambdaPpm = 0 }, 2_850, Index, 0, 0));
    }

    [Theory]
    [InlineData(2_850, 100_010, 100_020, 100_030, 100_015)] // median of 100_002.85, 100_015, 100_030
    [InlineData(2_850, 100_010, 100_020, 0, 100_003)]       // two: 100_002.85 is closer to the index than 100_015
    [InlineData(2_850, 100_010, 0, 99_990, 100_003)]        // two: 100_002.85 against the last trade 99_990
    [InlineData(2_850, 100_010, 0, 100_001, 100_001)]       // two: the last trade is closer
    [InlineData(2_500, 0, 0, 0, 100_002)]                   // one: 100_002.5 half to even
    [InlineData(-2_000, 99_990, 100_000, 99_996, 99_996)]   // median of 99_998, 99_995, 99_996
    public void The_mark_is_the_median_of_its_candidates(long basis, long bid, long ask, long last, long expected) =>
        Assert.Equal(expected, MarkPriceRule.Mark(Policy, Index, basis, bid, ask, last));

    [Fact]
    public void The_book_cannot_carry_the_mark_out_of_the_band()
    {
        Assert.Equal(100_500, MarkPriceRule.Mark(Policy, Index, 900_000, 101_000, 101_010, 101_020));
        Assert.Equal(99_500, MarkPriceRule.Mark(Policy, Index, -900_000, 99_000, 99_010, 98_000));
        // The band's width rounds inwards: 1_999 x 0.5% = 9.995 -> 9.
        Assert.Equal(2_008, MarkPriceRule.Mark(Policy, 1_999, 50_000, 3_000, 3_001, 3_002));
        Assert.Equal(1, MarkPriceRule.Mark(Policy, 1, -50_000, 1, 2, 1)); // a band under one tick is the index
    }

    [Fact]
    public void The_mark_always_lies_within_the_band_around_the_index()
    {
        var side = Gen.Frequency((1, Gen.Const(0L)), (4, Gen.Long[1, 1_000_000_000_000]));
        var cases = Gen.Select(Gen.Long[1, 1_000_000_000_000], Gen.Long[-1_000_000_000_000_000, 1_000_000_000_000_000], side, side, side,
            Gen.Select(Gen.Int[1, 5_000], Gen.Int[0, 999_999], (band, lambda) => new MarkPolicy(band, lambda)),
            (index, basis, bid, ask, last, policy) => (index, basis, bid, ask, last, policy));
        cases.Sample(c =>
        {
            var basis = MarkPriceRule.UpdateBasis(c.policy, c.basis, c.index, c.bid, c.ask);
            var mark = MarkPriceRule.Mark(c.policy, c.index, basis, c.bid, c.ask, c.last);
            Assert.True(mark >= 1);
            Assert.True(Math.Abs(mark - c.index) * (Int128)10_000 <= (Int128)c.index * c.policy.BandBps, $"{c}: {mark}");
        }, iter: 20_000);
    }
}
