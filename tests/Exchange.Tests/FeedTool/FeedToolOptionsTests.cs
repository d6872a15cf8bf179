using Exchange.FeedTool;
using Exchange.PriceFeeds;

namespace Exchange.Tests.FeedTool;

public sealed class FeedToolOptionsTests
{
    [Fact]
    public void Defaults_publish_a_walk_for_three_feeds_of_BTC_USD_to_the_local_gateway()
    {
        var options = FeedToolOptions.Parse(["--token", "t"]);
        Assert.Equal(new Uri("http://localhost:5000"), options.Url);
        Assert.Equal("BTC-USD", options.Index);
        Assert.Equal(["sim-1", "sim-2", "sim-3"], options.Feeds);
        Assert.Null(options.Csv);
        Assert.Equal(PriceUnits.Scale, options.NoiseUnits);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Duration);
    }

    [Fact]
    public void Faults_are_read_in_both_spellings_and_may_repeat()
    {
        var options = FeedToolOptions.Parse(["--token", "t", "--feeds", "4", "--lie", "sim-2:+800bps@30s", "--freeze", "sim-1@20s",
            "--flatline", "sim-4@10s", "--freeze-all@60s", "--flatline-all", "90s", "--lie", "sim-3:-5@1m"]);
        Assert.Equal(["sim-1", "sim-2", "sim-3", "sim-4"], options.Feeds);
        Assert.Equal(
            [
                new Fault(FaultKind.Lie, "sim-2", TimeSpan.FromSeconds(30), OffsetBps: 800),
                new Fault(FaultKind.Freeze, "sim-1", TimeSpan.FromSeconds(20)),
                new Fault(FaultKind.Flatline, "sim-4", TimeSpan.FromSeconds(10)),
                new Fault(FaultKind.Freeze, null, TimeSpan.FromSeconds(60)),
                new Fault(FaultKind.Flatline, null, TimeSpan.FromSeconds(90)),
                new Fault(FaultKind.Lie, "sim-3", TimeSpan.FromMinutes(1), OffsetUnits: -5 * PriceUnits.Scale),
            ], options.Faults.Faults);
    }

    [Fact]
    public void A_replay_reads_its_columns_speed_and_start()
    {
        var options = FeedToolOptions.Parse(["--keys", "k.json", "--csv", "data.csv", "--price-column", "open", "--time-column", "1",
            "--speed", "60x", "--from", "2024-08-05T06:00:00Z", "--duration", "5m"]);
        Assert.Equal("data.csv", options.Csv);
        Assert.Equal(new CsvColumn("open", 0), options.PriceColumn);
        Assert.Equal(new CsvColumn(null, 1), options.TimeColumn);
        Assert.Equal(60_000, options.SpeedPermille);
        Assert.Equal(1722837600000, options.FromMs);
        Assert.Equal(0, options.NoiseUnits);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Duration);
    }

    [Theory]
    [InlineData("--url", "http://localhost:5000")]                              // neither token nor keys
    [InlineData("--token", "t", "--lie", "sim-9:+1bps@1s")]                     // a fault on a feed not published
    [InlineData("--token", "t", "--duration", "25h")]                           // unbounded in practice
    [InlineData("--token", "t", "--url", "ftp://localhost")]
    [InlineData("--token", "t", "--speed", "0")]
    [InlineData("--token", "t", "--step", "0.000000001")]
    [InlineData("--token", "t", "--bogus", "1")]
    [InlineData("--token", "t", "--token", "u")]
    public void Unusable_command_lines_are_refused(params string[] args) =>
        Assert.ThrowsAny<Exception>(() => FeedToolOptions.Parse(args));
}
