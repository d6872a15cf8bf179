using Exchange.PriceFeeds;
using Exchange.Stress.Scenarios;

namespace Exchange.Tests.Stress;

/// <summary>Price paths: generated segments and CSV replays, exact to the unit, one point per step.</summary>
public sealed class ScenarioPathTests
{
    private static long Units(string price) => PriceUnits.Parse(price, "price");

    private static PricePath Generated(decimal start, params PathSegment[] segments) =>
        PricePath.Generate(new PathScenario("BTC-USD", start, segments, StepMs: 1000));

    [Fact]
    public void A_move_goes_in_a_straight_line_then_holds()
    {
        var path = Generated(100, new PathSegment("move", 4, -20), new PathSegment("hold", 2));
        Assert.Equal(["100", "95", "90", "85", "80", "80", "80"], path.Points.Select(p => PriceUnits.Format(p.Price)));
        Assert.Equal([0L, 1000, 2000, 3000, 4000, 5000, 6000], path.Points.Select(p => p.OffsetMs));
        Assert.Equal(Units("80"), path.PriceAt(60_000));   // after the end it holds the last price
        Assert.Equal(Units("100"), path.PriceAt(-5_000));  // before the start, the first
        Assert.Equal(Units("95"), path.PriceAt(1_999));    // between points, the last one reached
    }

    [Fact]
    public void A_gap_jumps_at_once_and_a_v_comes_back()
    {
        var gap = Generated(100, new PathSegment("hold", 2), new PathSegment("gap", 0, -10), new PathSegment("hold", 1));
        Assert.Equal(["100", "100", "90", "90"], gap.Points.Select(p => PriceUnits.Format(p.Price)));
        var v = Generated(200, new PathSegment("v", 4, -50));
        Assert.Equal(["200", "150", "100", "150", "200"], v.Points.Select(p => PriceUnits.Format(p.Price)));
    }

    [Fact]
    public void Generated_prices_are_rounded_once_to_four_decimals()
    {
        var path = Generated(1, new PathSegment("move", 3, 10));
        Assert.Equal(["1", "1.0333", "1.0667", "1.1"], path.Points.Select(p => PriceUnits.Format(p.Price)));
    }

    [Fact]
    public void A_path_that_would_reach_zero_is_refused()
    {
        var e = Assert.Throws<ScenarioException>(() => Generated(1, new PathSegment("move", 2, -99.99999999m)));
        Assert.Contains("zero", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_is_replayed_faster_by_its_speed_and_interpolated_between_rows()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "open_time_ms,close\n1722816000000,58000\n1722816060000,57000.5\n1722816120000,57400\n");
            // 60 s between rows at speed 60: one row a second, four points between rows.
            var path = PricePath.FromCsv(new PathScenario("BTC-USD", Csv: "x.csv", Speed: 60, StepMs: 250), file);
            Assert.Equal(2000, path.EndMs);
            Assert.Equal(9, path.Points.Count);
            Assert.Equal(Units("58000"), path.Points[0].Price);
            Assert.Equal(Units("57750.125"), path.Points[1].Price);
            Assert.Equal(Units("57000.5"), path.Points[4].Price);
            Assert.Equal(Units("57400"), path.Points[^1].Price);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_real_day_replays_from_the_feed_tool_sample()
    {
        var scenario = new PathScenario("BTC-USD", Csv: "../../tools/FeedTool/data/btc-2024-08-05-selloff.csv", TimeColumn: "open_time_ms",
            PriceColumn: "close", Speed: 480, StepMs: 250);
        var path = PricePath.From(scenario, ScenarioFiles.Directory);
        // 300 minutes at 480x: 37.5 seconds; the minute of the low (06:24, 144 minutes in) falls on a step: 18 s.
        Assert.Equal(37_500, path.EndMs);
        Assert.Equal(Units("53808.00"), path.Points[0].Price);
        Assert.Equal(Units("49353.40"), path.Points.Min(p => p.Price));
        Assert.Equal(Units("49353.40"), path.PriceAt(18_000));
        Assert.Equal(Units("52775.30"), path.Points[^1].Price);
    }

    [Fact]
    public void A_bad_csv_is_refused_naming_the_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "time,price\n1722816000000,58000\n1722816000000,58001\n");
            var e = Assert.Throws<ScenarioException>(() => PricePath.FromCsv(new PathScenario("BTC-USD", Csv: "x.csv"), file));
            Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
