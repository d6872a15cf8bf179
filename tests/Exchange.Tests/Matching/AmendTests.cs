using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class AmendTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_smaller_size_at_the_same_price_keeps_time_priority(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 5);
        d.Buy(2, 100, 5);

        var events = d.Amend(1, 1, 100, 3);

        Assert.Equal([MarketEvent.Amended(3, d.Now, orderId: 1, accountId: 1, Side.Buy, price: 100, size: 3, previousPrice: 100, previousSize: 5)], events);
        Assert.Equal([1, 2], d.BidIds);
        // The amended order is still first in line: 3 from it, then 1 from order 2.
        Assert.Collection(d.Sell(3, 100, 4), Expect.Accepted(3), Expect.Trade(3, 1, 100, 3), Expect.Trade(3, 2, 100, 1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_larger_size_loses_time_priority(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 5);
        d.Buy(2, 100, 5);

        Assert.Collection(d.Amend(1, 1, 100, 8), Expect.Amended(1, 100, 8));

        Assert.Equal([2, 1], d.BidIds);
        Assert.Equal(8, d.Order(1).Remaining);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_price_change_joins_the_back_of_the_new_level(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 5); // 1
        d.Buy(2, 101, 5); // 2

        d.Amend(1, 1, 101, 5);
        Assert.Equal([2, 1], d.BidIds);

        // Moving away and back, even with a smaller size, puts order 2 behind order 1.
        d.Amend(2, 2, 100, 4);
        d.Amend(2, 2, 101, 3);
        Assert.Equal([1, 2], d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_price_change_that_crosses_trades_at_the_makers_price_and_rests_the_rest(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 101, 3); // 1
        d.Buy(1, 99, 5);   // 2

        Assert.Collection(d.Amend(1, 2, 102, 5),
            e => Assert.Equal((EventKind.OrderAmended, 2L, 102L, 5L, 99L, 5L), (e.Kind, e.OrderId, e.Price, e.Size, e.PreviousPrice, e.PreviousSize)),
            Expect.Trade(taker: 2, maker: 1, price: 101, size: 3, takerRemaining: 2, makerRemaining: 0));

        var order = d.Order(2);
        Assert.Equal((102L, 2L, 3L), (order.Price, order.Remaining, order.Filled));
        Assert.Empty(d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_amend_that_fills_completely_leaves_nothing_resting(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 101, 5); // 1
        d.Buy(1, 99, 2);   // 2

        Assert.Collection(d.Amend(1, 2, 101, 4), Expect.Amended(2, 101, 4), Expect.Trade(2, 1, 101, 4, takerRemaining: 0, makerRemaining: 1));
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_crossing_amend_into_an_own_order_applies_the_orders_self_trade_prevention(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 101, 3); // 1: own
        d.Buy(1, 99, 5);   // 2: cancel-taker by default

        Assert.Collection(d.Amend(1, 2, 101, 5), Expect.Amended(2, 101, 5), Expect.Cancelled(2, 5, CancelReason.SelfTradePrevention));
        Assert.Empty(d.BidIds);
        Assert.Equal([1], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_post_only_order_cannot_be_amended_to_a_crossing_price(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 101, 3);                                  // 1
        d.Buy(1, 99, 5, flags: OrderFlags.PostOnly);        // 2

        var reject = Expect.Rejection(d.Amend(1, 2, 101, 5), RejectReason.PostOnlyWouldTake);
        Assert.Equal(2, reject.OrderId);
        Assert.Equal(99, d.Order(2).Price);

        Assert.Collection(d.Amend(1, 2, 100, 5), Expect.Amended(2, 100, 5));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_amend_to_what_the_order_already_is_is_rejected_as_no_change(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5);
        d.Sell(2, 100, 3);
        d.Buy(3, 100, 1); // fills 1 of order 2: it has 2 left

        Expect.Rejection(d.Amend(1, 1, 99, 5), RejectReason.NoChange);
        Expect.Rejection(d.Amend(2, 2, 100, 2), RejectReason.NoChange); // sizes are remaining sizes
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Amending_another_accounts_order_or_a_missing_one_is_order_not_found(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "x");

        var reject = Expect.Rejection(d.Amend(2, 1, 98, 5), RejectReason.OrderNotFound);
        Expect.Rejection(d.AmendByClientId(2, "x", 98, 5), RejectReason.OrderNotFound);
        Expect.Rejection(d.Amend(1, 2, 98, 5), RejectReason.OrderNotFound);

        Assert.Equal((2L, 1L), (reject.AccountId, reject.OrderId));
        Assert.Equal(99, d.Order(1).Price);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_order_can_be_amended_by_its_client_order_id(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "x");

        Assert.Collection(d.AmendByClientId(1, "x", 98, 4), Expect.Amended(1, 98, 4));
        Assert.Equal((98L, 4L), (d.Order(1).Price, d.Order(1).Remaining));
    }
}
