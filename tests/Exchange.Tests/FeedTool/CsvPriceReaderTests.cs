using Exchange.PriceFeeds;

namespace Exchange.Tests.FeedTool;

public sealed class CsvPriceReaderTests
{
    // The first lines of the shared 2024-08-05 BTCUSDT 1-minute file, as they are.
    private const string Klines = """
        open_time_ms,open,high,low,close,volume
        1722816000000,58144.50,58190.50,58097.30,58185.90,381.208
        1722816060000,58186.00,58213.90,58103.20,58112.80,450.238
        1722816120000,58112.80,58194.00,58092.20,58188.50,160.523
        1722816180000,58188.50,58213.00,58159.50,58159.50,214.951
        """;

    private static IReadOnlyList<PricePoint> Read(string text, CsvColumn? time = null, CsvColumn? price = null) =>
        CsvPriceReader.Read(new StringReader(text), time, price);

    [Fact]
    public void Reads_the_kline_file_by_its_header_with_the_close_as_the_price()
    {
        var points = Read(Klines);
        Assert.Equal(
            [
                new PricePoint(1722816000000, 5_818_590_000_000), new PricePoint(1722816060000, 5_811_280_000_000),
                new PricePoint(1722816120000, 5_818_850_000_000), new PricePoint(1722816180000, 5_815_950_000_000),
            ], points);
    }

    [Fact]
    public void Takes_columns_by_name_or_by_position()
    {
        Assert.Equal(5_819_050_000_000, Read(Klines, price: CsvColumn.Parse("high"))[0].Price);
        Assert.Equal(5_814_450_000_000, Read(Klines, price: CsvColumn.Parse("2"))[0].Price);
        Assert.Equal(5_809_730_000_000, Read(Klines, CsvColumn.Parse("1"), CsvColumn.Parse("LOW"))[0].Price);
    }

    [Fact]
    public void A_file_without_header_starts_with_data()
    {
        var points = Read("1700000000000,64000.5\n1700000001000,64001\n");
        Assert.Equal([new PricePoint(1700000000000, 6_400_050_000_000), new PricePoint(1700000001000, 6_400_100_000_000)], points);
    }

    [Fact]
    public void Semicolons_seconds_and_iso_times_are_understood()
    {
        Assert.Equal(1700000000000, Read("time;price\n1700000000;1.5\n")[0].TimestampMs);
        Assert.Equal(1722816000000, Read("date,price\n2024-08-05T00:00:00Z,1.5\n")[0].TimestampMs);
    }

    [Theory]
    [InlineData("t,price\n2,1\n1,1\n", "line 3")]                 // time going backwards
    [InlineData("t,price\n1,1\n1,2\n", "line 3")]                 // a repeated time
    [InlineData("t,price\n1,1.123456789\n", "line 2")]            // nine decimals
    [InlineData("t,price\n1,0\n", "line 2")]                      // not positive
    [InlineData("t,price\n1\n", "line 2")]                        // a missing column
    [InlineData("t,price\n", "no rows")]
    public void A_bad_row_is_an_error_naming_its_line(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => Read(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void An_unknown_column_name_lists_the_header() =>
        Assert.Contains("open_time_ms, open", Assert.Throws<FormatException>(() => Read(Klines, price: CsvColumn.Parse("last"))).Message,
            StringComparison.Ordinal);
}
