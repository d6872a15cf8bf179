using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class ClientOrderIdTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Repeating_a_client_order_id_is_rejected_with_the_original_order_id_and_makes_no_order(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "a");
        var hash = d.Book.StateHash();

        var events = d.Buy(1, 98, 3, clientOrderId: "a");

        Assert.Equal([MarketEvent.Rejected(1, d.Now, accountId: 1, RejectReason.DuplicateClientOrderId, "a", orderId: 1)], events);
        Assert.Equal(hash, d.Book.StateHash());
        Assert.Equal(1, d.Book.RestingOrderCount);
        Assert.Equal(2, d.Book.NextOrderId);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_client_order_id_stays_taken_after_its_order_is_gone(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5, clientOrderId: "a"); // 1
        d.Buy(2, 100, 5);                      // 2: fills 1
        d.Sell(1, 101, 5, clientOrderId: "b"); // 3
        d.Cancel(1, 3);

        Assert.Equal(1, Expect.Rejection(d.Sell(1, 100, 5, clientOrderId: "a"), RejectReason.DuplicateClientOrderId).OrderId);
        Assert.Equal(3, Expect.Rejection(d.Buy(1, 90, 5, clientOrderId: "b"), RejectReason.DuplicateClientOrderId).OrderId);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Another_account_may_use_the_same_client_order_id(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "a");

        Assert.Collection(d.Buy(2, 99, 5, clientOrderId: "a"), Expect.Accepted(2));

        Assert.True(d.Book.TryGetOrderId(1, "a", out var first));
        Assert.True(d.Book.TryGetOrderId(2, "a", out var second));
        Assert.Equal((1L, 2L), (first, second));
        Assert.False(d.Book.TryGetOrderId(3, "a", out _));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Client_order_ids_are_case_sensitive(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "a");

        Assert.Collection(d.Buy(1, 99, 5, clientOrderId: "A"), Expect.Accepted(2));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_rejected_order_does_not_reserve_its_client_order_id(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 5); // 1

        Expect.Rejection(d.Buy(1, 0, 5, clientOrderId: "a"), RejectReason.InvalidPrice);
        Expect.Rejection(d.Buy(1, 100, 5, flags: OrderFlags.PostOnly, clientOrderId: "a"), RejectReason.PostOnlyWouldTake);
        Expect.Rejection(d.MarketSell(1, 5, clientOrderId: "a"), RejectReason.NoLiquidity);
        Assert.False(d.Book.TryGetOrderId(1, "a", out _));

        Assert.Collection(d.Buy(1, 99, 5, clientOrderId: "a"), Expect.Accepted(2));
        Assert.True(d.Book.TryGetOrderId(1, "a", out var id));
        Assert.Equal(2, id);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_accepted_order_that_never_rested_still_reserves_its_client_order_id(BookFactory factory)
    {
        var d = new BookDriver(factory);

        // Accepted, then killed: it was accepted, so its id is taken.
        d.Buy(1, 99, 5, TimeInForce.FillOrKill, clientOrderId: "f");

        Assert.Equal(1, Expect.Rejection(d.Buy(1, 99, 5, clientOrderId: "f"), RejectReason.DuplicateClientOrderId).OrderId);
    }
}
