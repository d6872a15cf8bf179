using Exchange.Accounts;
using Exchange.Markets;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Accounts;

public sealed class MarkPricesTests
{
    [Fact]
    public void A_reported_mark_is_used_until_it_is_older_than_the_limit()
    {
        var clock = new FakeTimeProvider();
        var marks = new MarkPrices(clock, TimeSpan.FromMilliseconds(500));
        Assert.False(marks.TryGetFresh("BTC-PERP", out _));

        marks.Update("BTC-PERP", new MarkReport(65_000, 10, 0));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(marks.TryGetFresh("BTC-PERP", out var mark));
        Assert.Equal(65_000, mark);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(marks.TryGetFresh("BTC-PERP", out _));
        Assert.False(marks.TryGetFresh("ETH-PERP", out _));
    }

    [Fact]
    public void A_new_report_replaces_the_old_one_and_restarts_its_age()
    {
        var clock = new FakeTimeProvider();
        var marks = new MarkPrices(clock, TimeSpan.FromSeconds(1));
        marks.Update("BTC-PERP", new MarkReport(65_000, 10, 0));
        clock.Advance(TimeSpan.FromMilliseconds(900));
        marks.Update("BTC-PERP", new MarkReport(64_000, 11, 0));
        clock.Advance(TimeSpan.FromMilliseconds(900));

        Assert.True(marks.TryGetFresh("BTC-PERP", out var mark));
        Assert.Equal(64_000, mark);
    }

    [Fact]
    public void A_report_older_than_the_one_held_changes_nothing()
    {
        var clock = new FakeTimeProvider();
        var marks = new MarkPrices(clock, TimeSpan.FromSeconds(1));
        marks.Update("BTC-PERP", new MarkReport(64_000, 20, 7));
        clock.Advance(TimeSpan.FromMilliseconds(900));
        marks.Update("BTC-PERP", new MarkReport(65_000, 19, 3)); // overtaken on the way
        clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.False(marks.TryGetFresh("BTC-PERP", out _)); // the older report did not renew the newer one's age either
        Assert.Equal(7, marks.MarketWideSequence("BTC-PERP"));
        marks.Update("BTC-PERP", new MarkReport(63_000, 20, 7));
        Assert.True(marks.TryGetFresh("BTC-PERP", out var mark));
        Assert.Equal(63_000, mark);
    }
}
