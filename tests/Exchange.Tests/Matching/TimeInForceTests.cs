using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class TimeInForceTests
{
    private const TimeInForce Ioc = TimeInForce.ImmediateOrCancel;
    private const TimeInForce Fok = TimeInForce.FillOrKill;

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_IOC_order_trades_what_it_can_and_cancels_the_rest_as_unfilled(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3);

        var events = d.Buy(2, 101, 5, Ioc);

        Assert.Collection(events,
            Expect.Accepted(2),
            Expect.Trade(2, 1, 100, 3, takerRemaining: 2, makerRemaining: 0),
            Expect.Cancelled(2, 2, CancelReason.Unfilled));
        Assert.Equal((Side.Buy, 101L), (events[2].Side, events[2].Price));
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_IOC_order_that_crosses_nothing_is_accepted_and_cancelled_whole(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3);

        Assert.Collection(d.Buy(2, 99, 5, Ioc), Expect.Accepted(2), Expect.Cancelled(2, 5, CancelReason.Unfilled));
        Assert.Empty(d.BidIds);
        Assert.Equal([1], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_fully_filled_IOC_order_has_nothing_to_cancel(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 5);

        Assert.Collection(d.Sell(2, 100, 5, Ioc), Expect.Accepted(2), Expect.Trade(2, 1, 100, 5, 0, 0));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_FOK_order_that_cannot_fill_whole_trades_nothing_and_is_cancelled_as_fill_or_kill(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3);
        d.Sell(2, 101, 3);

        // 3 + 3 = 6 available within 101, 7 wanted.
        Assert.Collection(d.Buy(3, 101, 7, Fok), Expect.Accepted(3), Expect.Cancelled(3, 7, CancelReason.FillOrKill));

        Assert.Equal([1, 2], d.AskIds);
        Assert.Equal((3L, 3L), (d.Order(1).Remaining, d.Order(2).Remaining));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_FOK_order_that_can_fill_whole_sweeps_the_levels_it_needs(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3);
        d.Sell(2, 101, 4);

        Assert.Collection(d.Buy(3, 101, 6, Fok),
            Expect.Accepted(3),
            Expect.Trade(3, 1, 100, 3, takerRemaining: 3, makerRemaining: 0),
            Expect.Trade(3, 2, 101, 3, takerRemaining: 0, makerRemaining: 1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_FOK_order_counts_only_liquidity_within_its_limit(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3);
        d.Sell(2, 102, 10);

        // Only the 3 at 100 is at or below 101.
        Assert.Collection(d.Buy(3, 101, 5, Fok), Expect.Accepted(3), Expect.Cancelled(3, 5, CancelReason.FillOrKill));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_FOK_sell_is_judged_against_the_bids(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 2);
        d.Buy(2, 99, 2);

        Assert.Collection(d.Sell(3, 99, 5, Fok), Expect.Accepted(3), Expect.Cancelled(3, 5, CancelReason.FillOrKill));
        Assert.Collection(d.Sell(3, 99, 4, Fok), Expect.Accepted(4), Expect.Trade(4, 1, 100, 2), Expect.Trade(4, 2, 99, 2));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_FOK_order_is_judged_within_its_protection_limit(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 2);
        d.Sell(1, 105, 2);
        d.Sell(1, 106, 9);

        // Limit 100 + 5 = 105: 2 + 2 = 4 available.
        Assert.Collection(d.MarketBuy(2, 5, Fok), Expect.Accepted(4), Expect.Cancelled(4, 5, CancelReason.FillOrKill));
        Assert.Collection(d.MarketBuy(2, 4, Fok), Expect.Accepted(5), Expect.Trade(5, 1, 100, 2), Expect.Trade(5, 2, 105, 2));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_cancel_maker_FOK_skips_its_own_orders_when_counting_and_cancels_them_when_it_fills(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3); // 1: the taker's own
        d.Sell(2, 100, 3); // 2
        d.Sell(2, 101, 2); // 3

        // Counting without its own order: 3 + 2 = 5 >= 5, so it goes ahead.
        Assert.Collection(d.Buy(1, 101, 5, Fok, stp: SelfTradePrevention.CancelMaker),
            Expect.Accepted(4),
            Expect.Cancelled(1, 3, CancelReason.SelfTradePrevention),
            Expect.Trade(4, 2, 100, 3, takerRemaining: 2, makerRemaining: 0),
            Expect.Trade(4, 3, 101, 2, takerRemaining: 0, makerRemaining: 0));
        Assert.Empty(d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_cancel_maker_FOK_that_cannot_fill_cancels_nothing_of_its_own(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3); // 1: own
        d.Sell(2, 100, 3); // 2
        d.Sell(2, 101, 2); // 3

        // 3 + 2 = 5 < 6 (its own 3 do not count): killed before anything happens, own order untouched.
        Assert.Collection(d.Buy(1, 101, 6, Fok, stp: SelfTradePrevention.CancelMaker),
            Expect.Accepted(4),
            Expect.Cancelled(4, 6, CancelReason.FillOrKill));
        Assert.Equal([1, 2, 3], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_cancel_taker_FOK_stops_counting_at_its_own_order(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 3); // 1
        d.Sell(1, 100, 3); // 2: own, blocks everything behind it
        d.Sell(2, 101, 5); // 3

        // Without the block 3 + 5 = 8 would do; with it only 3 < 5.
        Assert.Collection(d.Buy(1, 101, 5, Fok), Expect.Accepted(4), Expect.Cancelled(4, 5, CancelReason.FillOrKill));
        Assert.Equal([1, 2, 3], d.AskIds);

        // 3 is enough, and fills before the own order is reached.
        Assert.Collection(d.Buy(1, 101, 3, Fok), Expect.Accepted(5), Expect.Trade(5, 1, 100, 3, 0, 0));
        Assert.Equal([2, 3], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_cancel_both_FOK_stops_counting_at_its_own_order_and_leaves_it_resting(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 3); // 1
        d.Sell(1, 100, 3); // 2: own
        d.Sell(2, 101, 5); // 3

        Assert.Collection(d.Buy(1, 101, 5, Fok, stp: SelfTradePrevention.CancelBoth),
            Expect.Accepted(4),
            Expect.Cancelled(4, 5, CancelReason.FillOrKill));
        Assert.Equal([1, 2, 3], d.AskIds);
    }
}
