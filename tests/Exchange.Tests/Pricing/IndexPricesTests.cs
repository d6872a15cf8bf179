using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Exchange.Pricing;

namespace Exchange.Tests.Pricing;

public sealed partial class IndexPricesTests
{
    [Theory]
    [InlineData("65000.5", 6_500_050_000_000)]
    [InlineData("65000.50000000", 6_500_050_000_000)]
    [InlineData("0.00000001", 1)]
    [InlineData("1", 100_000_000)]
    [InlineData("007.25", 725_000_000)]
    [InlineData("92233720368.54775807", long.MaxValue)]
    public void Parses_plain_positive_decimals_exactly(string text, long expected)
    {
        Assert.True(IndexPrices.TryParse(text, out var price));
        Assert.Equal(expected, price);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0.00000000")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("1,5")]
    [InlineData("0.000000001")]
    [InlineData("92233720368.54775808")]
    [InlineData("99999999999999999999")]
    [InlineData("\uFF11")] // a full-width digit is a digit to char.IsDigit, not to a price
    public void Refuses_anything_else(string? text)
    {
        Assert.False(IndexPrices.TryParse(text, out var price));
        Assert.Equal(0, price);
    }

    [Theory]
    [InlineData(6_500_050_000_000, "65000.5")]
    [InlineData(1, "0.00000001")]
    [InlineData(100_000_000, "1")]
    [InlineData(120_000_000, "1.2")]
    [InlineData(0, "0")]
    [InlineData(long.MaxValue, "92233720368.54775807")]
    public void Formats_without_trailing_zeros(long price, string expected) => Assert.Equal(expected, IndexPrices.Format(price));

    [Fact]
    public void Format_and_parse_are_inverse()
    {
        var prices = Gen.Frequency((3, Gen.Long[1, 100_000_000_000]), (2, Gen.Long[1, long.MaxValue]), (1, Gen.Long[1, 1_000]));
        prices.Sample(price =>
        {
            var text = IndexPrices.Format(price);
            Assert.True(IndexPrices.TryParse(text, out var back), text);
            Assert.Equal(price, back);
            Assert.False(text.Contains('.', StringComparison.Ordinal) && text.EndsWith('0'), text);
        }, iter: 5_000);
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]{1,8})?$")]
    private static partial Regex Plain();

    [Fact]
    public void Accepts_exactly_the_plain_decimals_in_range_of_random_strings()
    {
        // The model: the shape by a regular expression, the value by decimal (exact for these lengths).
        var max = (decimal)long.MaxValue / IndexPrices.Scale;
        Gen.String[Gen.Char["0123456789.-+e 0"], 0, 14].Sample(text =>
        {
            var expected = Plain().IsMatch(text) && decimal.Parse(text, CultureInfo.InvariantCulture) is var d && d > 0 && d <= max;
            Assert.Equal(expected, IndexPrices.TryParse(text, out var price));
            if (expected) Assert.Equal(decimal.Parse(text, CultureInfo.InvariantCulture) * IndexPrices.Scale, price);
        }, iter: 20_000);
    }

    [Theory]
    [InlineData(6_500_050_000_000, "0.5", 130_001)]
    [InlineData(6_500_050_000_000, "1", 65_000)]      // 65000.5: a midpoint goes to the even tick
    [InlineData(6_500_150_000_000, "1", 65_002)]      // 65001.5 -> 65002
    [InlineData(100_000_000, "0.3", 3)]               // 3.33 ticks
    [InlineData(45_000_000, "0.3", 2)]                // 0.45 / 0.3 = 1.5 -> 2
    [InlineData(15_000_000, "0.3", 0)]                // 0.5 -> 0: under half a tick is no price
    [InlineData(0, "0.01", 0)]
    [InlineData(1, "0.00000001", 1)]
    [InlineData(long.MaxValue, "1000000000", 92)]
    public void Converts_to_the_nearest_tick_exactly(long price, string tickSize, long expected) =>
        Assert.Equal(expected, IndexPrices.ToTicks(price, decimal.Parse(tickSize, CultureInfo.InvariantCulture)));

    [Fact]
    public void Too_many_ticks_throw_instead_of_wrapping() =>
        Assert.Throws<OverflowException>(() => IndexPrices.ToTicks(long.MaxValue, 0.000000001m));

    [Fact]
    public void Ticks_match_decimal_division_where_decimal_is_exact()
    {
        // Tick sizes of 2^a 5^b 10^k divide a price of up to 19 digits exactly in decimal, so decimal is the model.
        var tickSizes = Gen.OneOf(0.01m, 0.5m, 0.25m, 1m, 5m, 0.0001m, 0.125m, 2.5m);
        Gen.Select(Gen.Long[0, 1_000_000_000_000_000], tickSizes).Sample((price, tick) =>
        {
            var expected = Math.Round((decimal)price / IndexPrices.Scale / tick, MidpointRounding.ToEven);
            Assert.Equal((long)expected, IndexPrices.ToTicks(price, tick));
        }, iter: 5_000);
    }
}
