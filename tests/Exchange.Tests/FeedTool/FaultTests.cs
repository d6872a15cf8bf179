using Exchange.PriceFeeds;

namespace Exchange.Tests.FeedTool;

public sealed class FaultTests
{
    private const long Honest = 64_000 * PriceUnits.Scale;

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_lie_starts_at_its_time_and_offsets_only_its_feed()
    {
        var schedule = new FaultSchedule([Fault.ParseLie("sim-2:+800bps@30s")]);
        var liar = schedule.For("sim-2");
        var honest = schedule.For("sim-1");

        Assert.Equal(Honest, liar.Apply(S(29.999), Honest));
        Assert.Equal(69_120 * PriceUnits.Scale, liar.Apply(S(30), Honest));
        Assert.Equal(69_120 * PriceUnits.Scale, liar.Apply(S(300), Honest));
        Assert.Equal(Honest, honest.Apply(S(30), Honest));
        Assert.Equal(Honest, honest.Apply(S(300), Honest));
    }

    [Fact]
    public void A_lie_may_be_a_price_offset_and_may_end()
    {
        var liar = new FaultSchedule([Fault.ParseLie("sim-1:-150.5@10s..20s")]).For("sim-1");
        Assert.Equal(Honest, liar.Apply(S(9), Honest));
        Assert.Equal(Honest - 15_050_000_000, liar.Apply(S(10), Honest));
        Assert.Equal(Honest, liar.Apply(S(20), Honest));
    }

    [Fact]
    public void A_freeze_stops_the_feed_and_only_it()
    {
        var schedule = new FaultSchedule([Fault.ParseStop(FaultKind.Freeze, "sim-1@20s", all: false)]);
        var frozen = schedule.For("sim-1");
        Assert.Equal(Honest, frozen.Apply(S(19), Honest));
        Assert.Null(frozen.Apply(S(20), Honest));
        Assert.Null(frozen.Apply(S(1_000), Honest + 1));
        Assert.Equal(Honest, schedule.For("sim-2").Apply(S(20), Honest));
    }

    [Fact]
    public void A_flatline_repeats_the_last_price_published_before_it()
    {
        var flat = new FaultSchedule([Fault.ParseStop(FaultKind.Flatline, "sim-3@20s..40s", all: false)]).For("sim-3");
        Assert.Equal(Honest, flat.Apply(S(19.5), Honest));
        Assert.Equal(Honest, flat.Apply(S(20), Honest + 500));
        Assert.Equal(Honest, flat.Apply(S(39), Honest - 900));
        Assert.Equal(Honest + 7, flat.Apply(S(40), Honest + 7)); // over: honest again
    }

    [Fact]
    public void Freeze_all_stops_every_feed()
    {
        var schedule = new FaultSchedule([Fault.ParseStop(FaultKind.Freeze, "@60s", all: true)]);
        foreach (var feed in new[] { "sim-1", "sim-2", "anything" })
        {
            var faults = schedule.For(feed);
            Assert.Equal(Honest, faults.Apply(S(59), Honest));
            Assert.Null(faults.Apply(S(60), Honest));
        }
    }

    [Fact]
    public void A_lie_while_flat_lined_holds_the_lying_price()
    {
        var faults = new FaultSchedule([Fault.ParseLie("a:+100bps@0s"), Fault.ParseStop(FaultKind.Flatline, "a@10s", all: false)]).For("a");
        Assert.Equal(64_640 * PriceUnits.Scale, faults.Apply(S(5), Honest));
        Assert.Equal(64_640 * PriceUnits.Scale, faults.Apply(S(10), Honest * 2));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_read_in_units(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Fault.ParseDuration(text, "test"));

    [Theory]
    [InlineData("sim-2+800bps@30s")]     // no colon
    [InlineData("sim-2:800bps@30s")]     // no sign
    [InlineData("sim-2:+8.5bps@30s")]    // fractional bps
    [InlineData("sim-2:-10000bps@30s")]  // no price left
    [InlineData("sim-2:+800bps@30")]     // no unit
    [InlineData("sim-2:+800bps@30s..10s")] // ends before it starts
    public void Bad_lies_are_refused(string text) => Assert.Throws<FormatException>(() => Fault.ParseLie(text));

    [Fact]
    public void Without_a_time_a_fault_starts_at_once()
    {
        var fault = Fault.ParseStop(FaultKind.Freeze, "sim-1", all: false);
        Assert.Equal(TimeSpan.Zero, fault.From);
        Assert.Null(fault.Until);
    }
}
