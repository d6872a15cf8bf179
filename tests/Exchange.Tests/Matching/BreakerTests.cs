using Exchange.Matching;
using Exchange.Pricing;

namespace Exchange.Tests.Matching;

/// <summary>
/// Price bands and velocity logic, worked by hand on every book. The band here is 500 bps: around a reference of 100
/// it is 95 to 105 (floor(100 x 500 / 10,000) = 5 ticks either side).
/// </summary>
public sealed class BreakerTests
{
    /// <summary>Market orders may reach 500 ticks through the best price, so only the breaker bounds a sweep.</summary>
    private static readonly MarketSpec Spec = BookDriver.DefaultSpec with { MarketProtectionTicks = 500, Breaker = new BreakerRules(BandBps: 500) };

    private static BookDriver Driver(BookFactory factory, MarketSpec? spec = null) => new(factory, spec: spec ?? Spec);

    /// <summary>A trade at <paramref name="price"/> between accounts 8 and 9: the reference without an index.</summary>
    private static void TradeAt(BookDriver d, long price)
    {
        d.Sell(9, price, 1);
        d.Buy(8, price, 1);
        Assert.Equal(price, d.Book.LastTradePrice);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Without_a_reference_there_is_no_band(BookFactory factory)
    {
        var d = Driver(factory);
        d.Sell(1, 900, 1);
        Assert.Collection(d.Buy(2, 1_000, 1), Expect.Accepted(2), Expect.Trade(2, 1, 900, 1));
        // The trade is the reference now: 900 +- 45.
        Expect.Rejection(d.Buy(2, 946, 1), RejectReason.PriceOutsideBand);
        Assert.Collection(d.Buy(2, 945, 1), Expect.Accepted(3));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_limit_order_beyond_the_band_on_its_aggressive_side_is_rejected(BookFactory factory)
    {
        var d = Driver(factory);
        TradeAt(d, 100);
        Expect.Rejection(d.Buy(1, 106, 1, clientOrderId: "b"), RejectReason.PriceOutsideBand);
        Expect.Rejection(d.Sell(1, 94, 1, TimeInForce.ImmediateOrCancel), RejectReason.PriceOutsideBand);
        // The edge is inside; a passive order far away cannot trade outside the band, so it may rest.
        d.Buy(1, 105, 1);  // 3
        d.Buy(3, 10, 2);   // 4
        d.Sell(4, 900, 1); // 5
        Assert.Collection(d.Sell(2, 95, 1, TimeInForce.ImmediateOrCancel), Expect.Accepted(6), Expect.Trade(6, 3, 105, 1));
        Assert.Equal((MarketMode.Open, 2), (d.Book.Mode, d.Book.RestingOrderCount));
        // The trade at 105 is the reference now (100 to 110). An amend to a new price beyond the band is refused too;
        // one that keeps the price is not.
        Expect.Rejection(d.Amend(3, 4, 111, 2), RejectReason.PriceOutsideBand);
        Assert.Collection(d.Amend(3, 4, 10, 1), Expect.Amended(4, 10, 1));
        // During an auction nothing trades, so the band refuses nothing.
        d.SetMode(MarketMode.Auction);
        Assert.Collection(d.Buy(1, 300, 1), Expect.Accepted(7));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_fat_finger_sell_sweeping_a_thin_book_trips_the_breaker_and_prints_nothing_outside_the_band(BookFactory factory)
    {
        var d = Driver(factory);
        TradeAt(d, 100);
        d.Buy(1, 100, 1); // 3
        d.Buy(2, 98, 1);  // 4
        d.Buy(3, 96, 1);  // 5
        d.Buy(4, 90, 5);  // 6
        d.Buy(5, 50, 5);  // 7

        var events = d.MarketSell(6, 20);

        Assert.Collection(events,
            e => Assert.Equal((EventKind.OrderAccepted, 8L, 1L), (e.Kind, e.OrderId, e.Price)), // protection: 100 - 500, kept in the spec
            Expect.Trade(8, 3, 100, 1),
            Expect.Trade(8, 4, 98, 1),
            Expect.Trade(8, 5, 96, 1),
            Expect.Tripped("band: 90 outside 95 to 105 around 100"),
            Expect.Cancelled(8, 17, CancelReason.Unfilled)); // a market order does not rest in the auction
        Assert.Equal(MarketMode.Auction, d.Book.Mode);
        Assert.Equal(new ModeCause(ModeActor.Breaker, "band: 90 outside 95 to 105 around 100"), d.Book.Terms.ModeCause);
        Assert.Equal(events[4].Sequence, d.Book.Terms.MarketWideSequence); // a market-wide event, as any mode change
        Assert.Equal([6L, 7], d.BidIds);

        // Orders collect, nothing trades; the existing uncross reopens the market.
        d.Sell(6, 90, 5);
        Assert.Collection(d.Uncross(92), Expect.Uncrossed(90, 5), Expect.Trade(9, 6, 90, 5), Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));
        // The uncross is the new reference: 90 +- 4.
        Expect.Rejection(d.Sell(6, 85, 1), RejectReason.PriceOutsideBand);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_band_does_not_follow_the_sweep_that_moves_the_last_trade(BookFactory factory)
    {
        var d = Driver(factory);
        TradeAt(d, 100);
        d.Sell(1, 103, 1);
        d.Sell(2, 105, 1);
        d.Sell(3, 106, 1);
        // 105 is inside around 100 and 106 would be inside around 105: the band is the command's, fixed at 100.
        Assert.Collection(d.MarketBuy(4, 3),
            Expect.Accepted(6), Expect.Trade(6, 3, 103, 1), Expect.Trade(6, 4, 105, 1),
            Expect.Tripped("band: 106 outside 95 to 105 around 100"), Expect.Cancelled(6, 1, CancelReason.Unfilled));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_fill_or_kill_that_can_fill_only_beyond_the_band_is_killed_without_a_trip(BookFactory factory)
    {
        var d = Driver(factory);
        TradeAt(d, 100);
        d.Buy(1, 99, 1); // 3
        d.Buy(2, 90, 5); // 4
        // A market order's protection reaches 90, the band does not: only 1 of 3 can fill, so nothing does.
        var fok = new PlaceOrder(3, Side.Sell, OrderType.Market, 0, 3, TimeInForce.FillOrKill);
        Assert.Collection(d.Place(fok), Expect.Accepted(5), Expect.Cancelled(5, 3, CancelReason.FillOrKill));
        Assert.Equal(MarketMode.Open, d.Book.Mode);
        Assert.Collection(d.Place(fok with { Size = 1 }), Expect.Accepted(6), Expect.Trade(6, 3, 99, 1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_trusted_index_is_the_reference_and_a_stale_one_is_not(BookFactory factory)
    {
        var spec = Spec with { Index = new IndexRules("TEST-USD") };
        var d = Driver(factory, spec);
        TradeAt(d, 100);
        d.Sell(1, 100, 1); // 3, resting from before the index moved
        d.Index(new IndexTick(200, IndexStatus.Degraded, 0, -1));
        // Around 200 the band is 190 to 210, whatever the last trade was.
        Expect.Rejection(d.Sell(1, 189, 1), RejectReason.PriceOutsideBand);
        // The ask at 100 is now outside the band: a buy that reaches it trips instead of trading there.
        Assert.Collection(d.Buy(2, 195, 1, TimeInForce.ImmediateOrCancel),
            Expect.Accepted(4), Expect.Tripped("band: 100 outside 190 to 210 around 200"), Expect.Cancelled(4, 1, CancelReason.Unfilled));

        // A stale index is no reference. The breaker's auction stays (it trades nothing, as cancel-only would not; the
        // breaker's reopen waits for a trusted index), and once reopened the last trade is the reference.
        d.Index(new IndexTick(200, IndexStatus.Stale, 0, -1));
        Assert.Equal((MarketMode.Auction, ModeActor.Breaker), (d.Book.Mode, d.Book.Terms.ModeCause.Actor));
        d.SetMode(MarketMode.Open);
        Expect.Rejection(d.Buy(2, 106, 1), RejectReason.PriceOutsideBand);
        Assert.Collection(d.Buy(2, 105, 1), Expect.Accepted(5), Expect.Trade(5, 3, 100, 1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_velocity_trip_stops_a_limit_order_that_rests_in_the_auction(BookFactory factory)
    {
        // 300 bps within a second: 3 ticks from 100, 2 from 99 or 97 (floor).
        var d = Driver(factory, Spec with { Breaker = new BreakerRules(0, 300, 1_000) });
        TradeAt(d, 100);
        d.Buy(1, 99, 1);  // 3
        d.Buy(2, 97, 1);  // 4
        d.Buy(3, 96, 1);  // 5

        // 99 and 97 are within 3 of 100; after 99 and 97 printed, 96 is more than 2 below 99 and 97's own limit holds 97.
        Assert.Collection(d.Sell(4, 96, 10),
            Expect.Accepted(6), Expect.Trade(6, 3, 99, 1), Expect.Trade(6, 4, 97, 1),
            Expect.Tripped("velocity: 96 outside 97 to 99, 300 bps within 1000 ms"));
        // The rest of a GTC limit order rests, in the auction, crossing the bid at 96.
        Assert.Equal(8, d.Order(6).Remaining);
        Assert.Equal(MarketMode.Auction, d.Book.Mode);
        Assert.Equal([5L], d.BidIds);
        Assert.Equal([6L], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Trades_older_than_the_velocity_window_no_longer_count(BookFactory factory)
    {
        var d = Driver(factory, Spec with { Breaker = new BreakerRules(0, 300, 1_000) });
        TradeAt(d, 100);
        d.Buy(1, 96, 1);
        d.Wait(999);
        Assert.Collection(d.Sell(2, 96, 1), Expect.Accepted(4), Expect.Tripped("velocity: 96 outside 97 to 103, 300 bps within 1000 ms"));
        d.Uncross(96);
        // The uncross restarted the measurement at 96: 92 is more than 2 away, 94 is not.
        d.Buy(1, 92, 1);
        d.Buy(1, 94, 1);
        Assert.Collection(d.Sell(2, 90, 2), Expect.Accepted(7), Expect.Trade(7, 6, 94, 1), Expect.Tripped("velocity: 92 outside 94 to 96, 300 bps within 1000 ms"));
        // The bid at 92 and the rest of the sell at 90 uncross at 92 (of 90 to 92, the closest to the reference).
        Assert.Collection(d.Uncross(94), Expect.Uncrossed(92, 1), Expect.Trade(7, 5, 92, 1), Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));
        d.Buy(1, 50, 1);
        d.Wait(1_001);
        // A second later the uncross at 92 is out of the window: nothing is left to measure from.
        Assert.Collection(d.Sell(2, 50, 1), Expect.Accepted(9), Expect.Trade(9, 8, 50, 1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Breaker_rules_change_by_a_journaled_command(BookFactory factory)
    {
        var d = Driver(factory, BookDriver.DefaultSpec);
        Assert.Null(d.Book.Terms.Breaker);
        Expect.Rejection(d.SetBreaker(new BreakerRules(-1)), RejectReason.InvalidBreakerRules);
        Expect.Rejection(d.SetBreaker(new BreakerRules(0, 100, 0)), RejectReason.InvalidBreakerRules);
        Expect.Rejection(d.SetBreaker(new BreakerRules(10_001)), RejectReason.InvalidBreakerRules);
        Expect.Rejection(d.SetBreaker(BreakerRules.Off), RejectReason.NoChange);

        var rules = new BreakerRules(500, 300, 1_000);
        var changed = Assert.Single(d.SetBreaker(rules));
        Assert.Equal((EventKind.BreakerRulesChanged, 1L, rules), (changed.Kind, changed.Sequence, changed.Breaker));
        Assert.Equal(rules, d.Book.Terms.Breaker);
        Assert.Equal(EventAudience.None, EventKinds.AudienceOf(EventKind.BreakerRulesChanged));
        Expect.Rejection(d.SetBreaker(rules with { }), RejectReason.NoChange);

        TradeAt(d, 100);
        var hashWithTrades = d.Book.StateHash();
        Assert.Single(d.Book.Capture().RecentTrades!);
        // Switching velocity off forgets what it measured against; switching everything off leaves no rules at all.
        d.SetBreaker(rules with { VelocityBps = 0, VelocityWindowMs = 0 });
        Assert.Null(d.Book.Capture().RecentTrades);
        Assert.NotEqual(hashWithTrades, d.Book.StateHash());
        d.SetBreaker(BreakerRules.Off);
        Assert.Null(d.Book.Terms.Breaker);
        d.Sell(1, 1_000, 1);
        Assert.Collection(d.Buy(2, 1_000, 1), Expect.Accepted(4), Expect.Trade(4, 3, 1_000, 1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_snapshot_keeps_the_rules_and_the_recent_trades(BookFactory factory)
    {
        var d = Driver(factory, Spec with { Breaker = new BreakerRules(500, 300, 1_000) });
        TradeAt(d, 100);
        TradeAt(d, 101);
        var snapshot = d.Book.Capture();
        Assert.Equal([new RecentTrade(1_020, 100), new RecentTrade(1_040, 101)], snapshot.RecentTrades!);
        var rebuilt = (IOrderBook)Activator.CreateInstance(d.Book.GetType(), d.Book.Spec, snapshot)!;
        Assert.Equal(d.Book.StateHash(), rebuilt.StateHash());
        Assert.Equal(d.Book.Terms, rebuilt.Terms);
    }
}
