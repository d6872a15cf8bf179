using Exchange.PriceFeeds;

namespace Exchange.Tests.FeedTool;

public sealed class PriceUnitsTests
{
    [Theory]
    [InlineData("64000.5", 6_400_050_000_000)]
    [InlineData("58144.50", 5_814_450_000_000)]
    [InlineData("0.00000001", 1)]
    [InlineData("1", 100_000_000)]
    [InlineData("3500.12345678", 350_012_345_678)]
    [InlineData("92233720368.54775807", long.MaxValue)]
    public void Parses_decimal_strings_exactly(string text, long units)
    {
        Assert.True(PriceUnits.TryParse(text, out var parsed));
        Assert.Equal(units, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.123456789")] // nine decimals
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e5")]
    [InlineData("1,5")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("92233720368.54775808")] // one unit past long.MaxValue
    [InlineData("100000000000")]
    public void Refuses_what_is_not_an_exact_price(string text) => Assert.False(PriceUnits.TryParse(text, out _));

    [Theory]
    [InlineData(6_400_050_000_000, "64000.5")]
    [InlineData(6_400_000_000_000, "64000")]
    [InlineData(1, "0.00000001")]
    [InlineData(350_012_345_678, "3500.12345678")]
    [InlineData(-50_000_000, "-0.5")]
    [InlineData(long.MaxValue, "92233720368.54775807")]
    public void Formats_the_shortest_exact_string(long units, string text) => Assert.Equal(text, PriceUnits.Format(units));

    [Fact]
    public void Format_and_parse_round_trip()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var units = random.NextInt64(1, long.MaxValue);
            Assert.True(PriceUnits.TryParse(PriceUnits.Format(units), out var back));
            Assert.Equal(units, back);
        }
    }

    [Theory]
    [InlineData(6_400_000_000_000, 800, 6_912_000_000_000)]
    [InlineData(6_400_000_000_000, -800, 5_888_000_000_000)]
    [InlineData(3, 5_000, 4)] // 4.5 rounds toward zero
    public void Offsets_by_basis_points_in_whole_units(long units, int bps, long expected) =>
        Assert.Equal(expected, PriceUnits.OffsetBps(units, bps));
}
