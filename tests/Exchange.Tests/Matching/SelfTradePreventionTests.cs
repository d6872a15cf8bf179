using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// Every test uses the same asks: account 2 sells 2 at 99 (id 1), account 1 sells 5 at 100 (id 2), then account 2
/// sells 5 at 100 (id 3). Account 1 then buys 8 at 100 (id 4): it trades 2 at 99 and then meets its own order.
/// </summary>
public sealed class SelfTradePreventionTests
{
    private static BookDriver BookWithOwnOrderSecond(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 99, 2);
        d.Sell(1, 100, 5);
        d.Sell(2, 100, 5);
        return d;
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_taker_is_the_default_and_cancels_the_rest_of_the_incoming_order(BookFactory factory)
    {
        var d = BookWithOwnOrderSecond(factory);

        var events = d.Buy(1, 100, 8);

        Assert.Collection(events,
            Expect.Accepted(4),
            Expect.Trade(4, 1, 99, 2, takerRemaining: 6, makerRemaining: 0),
            Expect.Cancelled(4, 6, CancelReason.SelfTradePrevention));
        Assert.Equal(SelfTradePrevention.CancelTaker, events[0].SelfTradePrevention);
        Assert.Equal([2, 3], d.AskIds);
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_maker_cancels_the_own_resting_order_and_goes_on_to_the_next_maker(BookFactory factory)
    {
        var d = BookWithOwnOrderSecond(factory);

        Assert.Collection(d.Buy(1, 100, 8, stp: SelfTradePrevention.CancelMaker),
            Expect.Accepted(4),
            Expect.Trade(4, 1, 99, 2, takerRemaining: 6, makerRemaining: 0),
            Expect.Cancelled(2, 5, CancelReason.SelfTradePrevention),
            Expect.Trade(4, 3, 100, 5, takerRemaining: 1, makerRemaining: 0));
        Assert.Empty(d.AskIds);
        Assert.Equal([4], d.BidIds);
        Assert.Equal(1, d.Order(4).Remaining);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_both_cancels_the_maker_first_and_then_the_taker(BookFactory factory)
    {
        var d = BookWithOwnOrderSecond(factory);

        Assert.Collection(d.Buy(1, 100, 8, stp: SelfTradePrevention.CancelBoth),
            Expect.Accepted(4),
            Expect.Trade(4, 1, 99, 2, takerRemaining: 6, makerRemaining: 0),
            Expect.Cancelled(2, 5, CancelReason.SelfTradePrevention),
            Expect.Cancelled(4, 6, CancelReason.SelfTradePrevention));
        Assert.Equal([3], d.AskIds);
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_takers_choice_decides_not_the_makers(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5, stp: SelfTradePrevention.CancelMaker);

        Assert.Collection(d.Buy(1, 100, 5), Expect.Accepted(2), Expect.Cancelled(2, 5, CancelReason.SelfTradePrevention));
        Assert.Equal([1], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_maker_clears_several_own_orders_in_a_row(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(3, 101, 1); // 1
        d.Buy(3, 100, 1); // 2
        d.Buy(4, 100, 1); // 3

        Assert.Collection(d.Sell(3, 100, 2, stp: SelfTradePrevention.CancelMaker),
            Expect.Accepted(4),
            Expect.Cancelled(1, 1, CancelReason.SelfTradePrevention),
            Expect.Cancelled(2, 1, CancelReason.SelfTradePrevention),
            Expect.Trade(4, 3, 100, 1, takerRemaining: 1, makerRemaining: 0));
        Assert.Equal([4], d.AskIds);
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_IOC_order_stopped_by_self_trade_prevention_is_cancelled_once_for_that_reason(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        Assert.Collection(d.Buy(1, 100, 5, TimeInForce.ImmediateOrCancel),
            Expect.Accepted(2),
            Expect.Cancelled(2, 5, CancelReason.SelfTradePrevention));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_order_meeting_its_own_order_first_is_cancelled_by_self_trade_prevention(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);
        d.Sell(2, 101, 5);

        Assert.Collection(d.MarketBuy(1, 3), Expect.Accepted(3), Expect.Cancelled(3, 3, CancelReason.SelfTradePrevention));
        Assert.Collection(d.MarketBuy(1, 3, stp: SelfTradePrevention.CancelMaker),
            Expect.Accepted(4),
            Expect.Cancelled(1, 5, CancelReason.SelfTradePrevention),
            Expect.Trade(4, 2, 101, 3, takerRemaining: 0, makerRemaining: 2));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void With_no_self_trade_prevention_an_account_trades_with_itself_at_the_makers_price(BookFactory factory)
    {
        var d = BookWithOwnOrderSecond(factory);

        Assert.Collection(d.Buy(1, 100, 8, stp: SelfTradePrevention.None),
            Expect.Accepted(4),
            Expect.Trade(4, 1, 99, 2, takerRemaining: 6, makerRemaining: 0),
            Expect.Trade(4, 2, 100, 5, takerRemaining: 1, makerRemaining: 0),
            Expect.Trade(4, 3, 100, 1, takerRemaining: 0, makerRemaining: 4));
        Assert.Equal([3], d.AskIds);
        Assert.Equal(1L, d.History[^2].MakerAccountId);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_FOK_order_with_no_self_trade_prevention_counts_its_own_orders(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 3); // 1: own
        d.Sell(2, 100, 2); // 2

        Assert.Collection(d.Buy(1, 100, 5, TimeInForce.FillOrKill, stp: SelfTradePrevention.None),
            Expect.Accepted(3),
            Expect.Trade(3, 1, 100, 3),
            Expect.Trade(3, 2, 100, 2));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_makers_choice_of_no_prevention_does_not_stop_the_takers_prevention(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5, stp: SelfTradePrevention.None);

        Assert.Collection(d.Buy(1, 100, 5, stp: SelfTradePrevention.CancelMaker),
            Expect.Accepted(2),
            Expect.Cancelled(1, 5, CancelReason.SelfTradePrevention));
        Assert.Equal([2], d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Orders_of_different_accounts_trade_normally_whatever_the_mode(BookFactory factory)
    {
        foreach (var stp in Enum.GetValues<SelfTradePrevention>())
        {
            var d = new BookDriver(factory);
            d.Sell(1, 100, 5);
            Assert.Collection(d.Buy(2, 100, 5, stp: stp), Expect.Accepted(2), Expect.Trade(2, 1, 100, 5));
        }
    }
}
