using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class CancelTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_by_order_id_removes_the_order_and_reports_what_was_removed(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5);

        var events = d.Cancel(1, 1);

        Assert.Equal([MarketEvent.Cancelled(2, d.Now, orderId: 1, accountId: 1, Side.Buy, price: 99, size: 5, CancelReason.Requested)], events);
        Assert.Empty(d.BidIds);
        Assert.False(d.Book.TryGetOrder(1, out _));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_by_client_order_id_finds_the_accounts_order(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 101, 5, clientOrderId: "abc");
        d.Sell(2, 101, 5, clientOrderId: "abc");

        Assert.Collection(d.CancelByClientId(2, "abc"), Expect.Cancelled(2, 5, CancelReason.Requested));
        Assert.Equal([1], d.AskIds);
        // The id still names the order after it stopped resting.
        Assert.True(d.Book.TryGetOrderId(2, "abc", out var id));
        Assert.Equal(2, id);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancelling_another_accounts_order_is_order_not_found_and_changes_nothing(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "abc");

        var reject = Expect.Rejection(d.Cancel(2, 1), RejectReason.OrderNotFound);
        Expect.Rejection(d.CancelByClientId(2, "abc"), RejectReason.OrderNotFound);

        Assert.Equal((2L, 1L, 1L), (reject.AccountId, reject.OrderId, reject.Sequence));
        Assert.Equal([1], d.BidIds);
        Assert.Equal(5, d.Order(1).Remaining);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancelling_an_order_that_no_longer_rests_is_order_not_found(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);             // 1
        d.Buy(2, 100, 5);              // 2: fills 1 completely
        d.Buy(3, 90, 5);               // 3
        d.Cancel(3, 3);

        Expect.Rejection(d.Cancel(1, 1), RejectReason.OrderNotFound);   // filled
        Expect.Rejection(d.Cancel(3, 3), RejectReason.OrderNotFound);   // already cancelled
        Expect.Rejection(d.Cancel(3, 99), RejectReason.OrderNotFound);  // never existed
        Expect.Rejection(d.Cancel(3, -3), RejectReason.OrderNotFound);
        Expect.Rejection(d.Cancel(3, 0), RejectReason.OrderNotFound);   // names nothing
        Expect.Rejection(d.CancelByClientId(3, "nope"), RejectReason.OrderNotFound);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancelling_a_partially_filled_order_removes_only_what_is_left(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 10);
        d.Buy(2, 100, 4);

        Assert.Collection(d.Cancel(1, 1), Expect.Cancelled(1, 6, CancelReason.Requested));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_all_cancels_every_resting_order_of_the_account_in_ascending_order_id(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 1);   // 1
        d.Sell(1, 105, 1); // 2
        d.Buy(2, 98, 1);   // 3: someone else's
        d.Buy(1, 100, 1);  // 4: ahead of 1 in priority, but cancelled after it
        d.Sell(1, 104, 1); // 5: ahead of 2 in priority

        var events = d.CancelAll(1);

        Assert.Equal([1L, 2, 4, 5], events.Select(e => e.OrderId));
        Assert.All(events, e => Assert.Equal((EventKind.OrderCancelled, CancelReason.CancelAll, 1L), (e.Kind, e.CancelReason, e.Size)));
        Assert.Equal([3], d.BidIds);
        Assert.Empty(d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_all_for_an_account_with_nothing_resting_does_nothing(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 1);

        Assert.Empty(d.CancelAll(2));
        Assert.Equal(1, d.Book.Sequence);
    }
}
