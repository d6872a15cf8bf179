using Exchange.Oracles;
using Exchange.Pricing;
using Orleans.Core.Internal;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.Oracles;

/// <summary>
/// The oracle grain on fake time, with no market following it (the markets' side is tested on its own): what the
/// index reads as feeds publish, freeze, lie and are refused, and what survives a reactivation. Default policy:
/// 2 feeds, stale after 5 s, 2% band; prices are plain numbers here.
/// </summary>
public sealed class OracleGrainTests(OracleClusterFixture fixture) : IClassFixture<OracleClusterFixture>
{
    private static FeedStatus[] Statuses(IndexView view) => [.. view.Feeds.Select(f => f.Status)];

    [Fact]
    public async Task Three_feeds_publishing_give_a_fresh_index_at_their_median()
    {
        var oracle = fixture.Oracle("FRESH");
        var feeds = await fixture.Create("FRESH");
        Assert.Equal(["FRESH.a", "FRESH.b", "FRESH.c"], feeds);
        await fixture.Publish(oracle, feeds[0], 100_000);
        await fixture.Publish(oracle, feeds[1], 100_200);
        await fixture.Publish(oracle, feeds[2], 100_100);

        var view = (await oracle.GetIndex())!;
        Assert.Equal((100_100, IndexStatus.Fresh), (view.Price, view.Status));
        Assert.Equal([FeedStatus.Fresh, FeedStatus.Fresh, FeedStatus.Fresh], Statuses(view));
        Assert.Equal(IndexPolicy.Default, view.Policy);
        Assert.Equal(-1, view.HorizonSigmaPpm); // no returns yet
    }

    [Fact]
    public async Task A_frozen_feed_degrades_the_index_and_losing_the_quorum_makes_it_stale()
    {
        var oracle = fixture.Oracle("FROZEN");
        var feeds = await fixture.Create("FROZEN");
        foreach (var (feed, price) in feeds.Zip(new long[] { 100_000, 100_200, 100_600 })) await fixture.Publish(oracle, feed, price);
        Assert.Equal(100_200, (await oracle.GetIndex())!.Price);

        await fixture.Pass(TimeSpan.FromSeconds(3), oracle);
        await fixture.Publish(oracle, feeds[0], 100_000);
        await fixture.Publish(oracle, feeds[1], 100_200);
        await fixture.Pass(TimeSpan.FromMilliseconds(2_250), oracle); // c is now 5.25 s old
        var view = (await oracle.GetIndex())!;
        Assert.Equal((100_100, IndexStatus.Degraded), (view.Price, view.Status));
        Assert.Equal([FeedStatus.Fresh, FeedStatus.Fresh, FeedStatus.Stale], Statuses(view));
        Assert.Equal(5_250, view.Feeds[2].AgeMs);

        await fixture.Pass(TimeSpan.FromSeconds(3), oracle); // a and b 5.25 s old too
        view = (await oracle.GetIndex())!;
        Assert.Equal((100_100, IndexStatus.Stale), (view.Price, view.Status)); // the last known price, for display
        Assert.All(view.Feeds, f => Assert.Equal(FeedStatus.Stale, f.Status));
    }

    [Fact]
    public async Task A_liar_is_an_outlier_and_does_not_move_the_index()
    {
        var oracle = fixture.Oracle("LIAR");
        var feeds = await fixture.Create("LIAR");
        foreach (var feed in feeds) await fixture.Publish(oracle, feed, 100_000);
        Assert.Equal((100_000, IndexStatus.Fresh), ((await oracle.GetIndex())!.Price, (await oracle.GetIndex())!.Status));

        await fixture.Pass(OracleClusterFixture.Tick, oracle);
        await fixture.Publish(oracle, feeds[2], 200_000);
        var view = (await oracle.GetIndex())!;
        Assert.Equal((100_000, IndexStatus.Degraded), (view.Price, view.Status));
        Assert.Equal([FeedStatus.Fresh, FeedStatus.Fresh, FeedStatus.Outlier], Statuses(view));
    }

    [Fact]
    public async Task Prices_are_refused_with_the_reason()
    {
        var oracle = fixture.Oracle("REFUSE");
        var feeds = await fixture.Create("REFUSE");
        var now = fixture.Now;
        var results = await oracle.Publish(feeds[0],
        [
            new FeedPrice(100_000, now + 1_001),  // beyond the 1 s of allowed skew
            new FeedPrice(100_000, now + 1_000),  // at the edge of it: taken
            new FeedPrice(100_100, now + 1_000),  // not after the last one taken
            new FeedPrice(100_100, now - 10),     // older still
            new FeedPrice(0, now + 1_001),        // no price
            new FeedPrice(-5, now),
        ]);
        Assert.Equal([PublishResult.TimestampInFuture, PublishResult.Accepted, PublishResult.TimestampNotAfterLast,
            PublishResult.TimestampNotAfterLast, PublishResult.InvalidPrice, PublishResult.InvalidPrice], results);

        await oracle.SetFeedEnabled(feeds[1], false);
        Assert.Equal(PublishResult.FeedDisabled, await fixture.Publish(oracle, feeds[1], 100_000));
        Assert.Equal(PublishResult.UnknownFeed, await fixture.Publish(oracle, "REFUSE.z", 100_000));
        Assert.Equal(PublishResult.UnknownIndex, await fixture.Publish(fixture.Oracle("NOWHERE"), "NOWHERE.a", 100_000));

        var view = (await oracle.GetIndex())!;
        Assert.Equal((1, 5), (view.Feeds[0].Accepted, view.Feeds[0].Refused));
        Assert.Equal((0, 1), (view.Feeds[1].Accepted, view.Feeds[1].Refused));
        Assert.Equal(new FeedView("REFUSE.b", "b", false, 0, 0, FeedStatus.Disabled, 0, 1), view.Feeds[1]);
        Assert.Equal(-1_000, view.Feeds[0].AgeMs); // its clock runs ahead of ours, within the skew allowed
    }

    [Fact]
    public async Task Bad_configuration_and_feed_names_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Oracle("BAD").Configure(new IndexPolicy(0, 5_000, 200)));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Oracle("bad-name").Configure(IndexPolicy.Default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => fixture.Oracle("BAD").AddFeed("a"));
        Assert.Null(await fixture.Oracle("BAD").GetIndex());
        await fixture.Create("NAMES");
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Oracle("NAMES").AddFeed("a"));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Oracle("NAMES").AddFeed("a.b"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => fixture.Oracle("NAMES").SetFeedEnabled("NAMES.z", false));
    }

    [Fact]
    public async Task A_reactivated_oracle_keeps_its_policy_and_feeds_but_no_prices()
    {
        var oracle = fixture.Oracle("RESTART");
        var policy = new IndexPolicy(3, 4_000, 150);
        var volatility = new VolatilityPolicy(2_000, 900_000, 30);
        var feeds = await fixture.Create("RESTART", policy, volatility);
        await oracle.SetFeedEnabled(feeds[2], false);
        await fixture.Publish(oracle, feeds[0], 100_000);
        await fixture.Publish(oracle, feeds[1], 100_000);
        Assert.Equal(100_000, (await oracle.GetIndex())!.Feeds[0].Price);

        await oracle.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        // The next activation starts from the stored record alone; until it serves, the old one may still answer.
        var view = await Eventually(async () =>
        {
            var v = (await oracle.GetIndex())!;
            Assert.Equal(0, v.Feeds[0].Price);
            return v;
        });
        Assert.Equal((0, IndexStatus.Stale), (view.Price, view.Status));
        Assert.Equal((policy, volatility), (view.Policy, view.Volatility));
        Assert.Equal([("RESTART.a", true), ("RESTART.b", true), ("RESTART.c", false)], view.Feeds.Select(f => (f.FeedId, f.Enabled)));
        Assert.Equal([FeedStatus.Missing, FeedStatus.Missing, FeedStatus.Disabled], Statuses(view));
        // The feeds' last timestamps went with the prices: an earlier one than before is taken again.
        Assert.Equal(PublishResult.Accepted, await fixture.Publish(oracle, feeds[0], 100_000, fixture.Now - 1_000));
    }

    [Fact]
    public async Task The_same_price_path_gives_the_same_volatility()
    {
        // Two oracles, 1 s returns, fed the same path: prices alternate 100_000 / 101_000 each second, published
        // mid-second, so each second's boundary tick samples the price published half a second before. The first
        // price opens the measurement and the first boundary sees it unchanged (a return of 0, seeding a variance
        // of 0); the next 13 returns are +10_000 and -9_901 ppm. So var = 0.06 x sum 0.94^(13-k) r_k^2 lies
        // between 9_901^2 and 10_000^2 times (1 - 0.94^13) = 0.5527, and sigma between 7_360 and 7_435 (13 or 15
        // returns would give at most 7_240 or at least 7_530).
        var volatility = new VolatilityPolicy(1_000, 940_000, 60);
        var (a, b) = (fixture.Oracle("PATH-A"), fixture.Oracle("PATH-B"));
        var feedsA = await fixture.Create("PATH-A", volatility: volatility);
        var feedsB = await fixture.Create("PATH-B", volatility: volatility);
        await fixture.Pass(TimeSpan.FromMilliseconds(1_000 - fixture.Now % 1_000), a, b); // to a second's boundary
        for (var second = 0; second < 14; second++)
        {
            await fixture.Pass(TimeSpan.FromMilliseconds(500), a, b);
            var price = second % 2 == 0 ? 100_000 : 101_000;
            foreach (var (oracle, feeds) in new[] { (a, feedsA), (b, feedsB) })
                foreach (var feed in feeds) await fixture.Publish(oracle, feed, price);
            await fixture.Pass(TimeSpan.FromMilliseconds(500), a, b);
        }
        var (viewA, viewB) = ((await a.GetIndex())!, (await b.GetIndex())!);
        Assert.Equal((viewA.SigmaPpm, viewA.HorizonSigmaPpm), (viewB.SigmaPpm, viewB.HorizonSigmaPpm));
        Assert.InRange(viewA.SigmaPpm, 7_360, 7_435);
        Assert.InRange(viewA.HorizonSigmaPpm, 57_010, 57_600); // sqrt(60) x [7_360, 7_435]
    }
}
