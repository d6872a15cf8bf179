using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class OrderFlagTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_post_only_buy_that_would_cross_is_rejected_and_changes_nothing(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        var reject = Expect.Rejection(d.Buy(2, 100, 5, flags: OrderFlags.PostOnly, clientOrderId: "p"), RejectReason.PostOnlyWouldTake);
        Expect.Rejection(d.Buy(2, 150, 5, flags: OrderFlags.PostOnly), RejectReason.PostOnlyWouldTake);

        Assert.Equal((2L, "p", 0L), (reject.AccountId, reject.ClientOrderId, reject.OrderId));
        Assert.Equal([1], d.AskIds);
        Assert.Equal(5, d.Order(1).Remaining);
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_post_only_sell_that_would_cross_is_rejected(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 5);

        Expect.Rejection(d.Sell(2, 100, 5, flags: OrderFlags.PostOnly), RejectReason.PostOnlyWouldTake);
        Expect.Rejection(d.Sell(2, 1, 5, flags: OrderFlags.PostOnly), RejectReason.PostOnlyWouldTake);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_post_only_order_that_does_not_cross_rests(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        var events = d.Buy(2, 99, 5, flags: OrderFlags.PostOnly);

        Assert.Collection(events, Expect.Accepted(2));
        Assert.Equal(OrderFlags.PostOnly, events[0].Flags);
        Assert.Equal(OrderFlags.PostOnly, d.Order(2).Flags);
        Assert.Equal([2], d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_post_only_order_rests_on_an_empty_book(BookFactory factory)
    {
        var d = new BookDriver(factory);
        Assert.Collection(d.Sell(1, 500, 5, flags: OrderFlags.PostOnly), Expect.Accepted(1));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_resting_post_only_order_is_a_maker_like_any_other(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5, flags: OrderFlags.PostOnly);

        Assert.Collection(d.Buy(2, 100, 5), Expect.Accepted(2), Expect.Trade(2, 1, 100, 5));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_reduce_only_flag_is_carried_in_the_accepted_event_and_the_resting_order(BookFactory factory)
    {
        var d = new BookDriver(factory);

        var events = d.Buy(1, 99, 5, flags: OrderFlags.ReduceOnly);
        var both = d.Sell(1, 101, 5, flags: OrderFlags.ReduceOnly | OrderFlags.PostOnly);

        Assert.Equal(OrderFlags.ReduceOnly, Assert.Single(events).Flags);
        Assert.Equal(OrderFlags.ReduceOnly, d.Order(1).Flags);
        Assert.Equal(OrderFlags.ReduceOnly | OrderFlags.PostOnly, Assert.Single(both).Flags);
        Assert.Equal(OrderFlags.ReduceOnly | OrderFlags.PostOnly, d.Order(2).Flags);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_book_ignores_reduce_only_when_matching(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        // Account 2 has no position at all; enforcing reduce-only is the account layer's job.
        var events = d.Buy(2, 100, 8, flags: OrderFlags.ReduceOnly);

        Assert.Collection(events, Expect.Accepted(2), Expect.Trade(2, 1, 100, 5, takerRemaining: 3, makerRemaining: 0));
        Assert.Equal(OrderFlags.ReduceOnly, events[0].Flags);
        Assert.Equal(3, d.Order(2).Remaining);
    }
}
