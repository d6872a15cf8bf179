using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class MarketModeTests
{
    /// <summary>A bid of 5 at 99 (id 1, client id "b") and an ask of 5 at 101 (id 2), then the mode.</summary>
    private static BookDriver QuotedBookIn(BookFactory factory, MarketMode mode)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "b");
        d.Sell(2, 101, 5);
        Assert.Collection(d.SetMode(mode), Expect.ModeChanged(mode, MarketMode.Open));
        return d;
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_book_starts_in_the_mode_it_was_created_with(BookFactory factory)
    {
        foreach (var mode in Enum.GetValues<MarketMode>())
        {
            var book = factory.Create(BookDriver.DefaultSpec, mode);
            Assert.Equal((mode, 0L, 1L), (book.Mode, book.Sequence, book.NextOrderId));
        }
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_mode_change_takes_a_sequence_and_names_both_modes(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5);

        var events = d.SetMode(MarketMode.Halted);

        Assert.Equal([MarketEvent.ModeSwitched(2, d.Now, MarketMode.Halted, MarketMode.Open)], events);
        Assert.Equal(MarketMode.Halted, d.Book.Mode);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Post_only_mode_accepts_limit_orders_that_rest(BookFactory factory)
    {
        var d = QuotedBookIn(factory, MarketMode.PostOnly);

        Assert.Collection(d.Buy(3, 100, 5), Expect.Accepted(3));
        Assert.Collection(d.Sell(3, 102, 5, flags: OrderFlags.PostOnly), Expect.Accepted(4));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Post_only_mode_treats_every_order_as_post_only(BookFactory factory)
    {
        var d = QuotedBookIn(factory, MarketMode.PostOnly);

        Expect.Rejection(d.Buy(3, 101, 5), RejectReason.PostOnlyWouldTake);
        Expect.Rejection(d.Sell(3, 99, 5), RejectReason.PostOnlyWouldTake);
        Expect.Rejection(d.Amend(1, 1, 101, 5), RejectReason.PostOnlyWouldTake);
        Assert.Collection(d.Amend(1, 1, 100, 5), Expect.Amended(1, 100, 5));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Post_only_mode_refuses_market_IOC_and_FOK_orders(BookFactory factory)
    {
        var d = QuotedBookIn(factory, MarketMode.PostOnly);

        Expect.Rejection(d.MarketBuy(3, 1), RejectReason.MarketPostOnly);
        Expect.Rejection(d.Buy(3, 100, 1, TimeInForce.ImmediateOrCancel), RejectReason.MarketPostOnly);
        Expect.Rejection(d.Buy(3, 100, 1, TimeInForce.FillOrKill), RejectReason.MarketPostOnly);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Cancel_only_mode_refuses_new_orders_and_amends_but_allows_cancels(BookFactory factory)
    {
        var d = QuotedBookIn(factory, MarketMode.CancelOnly);

        Expect.Rejection(d.Buy(3, 90, 5), RejectReason.MarketCancelOnly);
        Expect.Rejection(d.MarketBuy(3, 5), RejectReason.MarketCancelOnly);
        Expect.Rejection(d.Amend(1, 1, 98, 5), RejectReason.MarketCancelOnly);
        Assert.Collection(d.CancelByClientId(1, "b"), Expect.Cancelled(1, 5, CancelReason.Requested));
        Assert.Collection(d.CancelAll(2), Expect.Cancelled(2, 5, CancelReason.CancelAll));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Halted_mode_refuses_every_order_command(BookFactory factory)
    {
        var d = QuotedBookIn(factory, MarketMode.Halted);

        Expect.Rejection(d.Buy(3, 90, 5), RejectReason.MarketHalted);
        Expect.Rejection(d.Amend(1, 1, 98, 5), RejectReason.MarketHalted);
        Expect.Rejection(d.Cancel(1, 1), RejectReason.MarketHalted);
        Expect.Rejection(d.CancelAll(1), RejectReason.MarketHalted);
        Expect.Rejection(d.Uncross(100), RejectReason.NotInAuction);
        Assert.Equal([1], d.BidIds);

        Assert.Collection(d.SetMode(MarketMode.Open), Expect.ModeChanged(MarketMode.Open, MarketMode.Halted));
        Assert.Collection(d.Cancel(1, 1), Expect.Cancelled(1, 5, CancelReason.Requested));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_invalid_account_is_reported_before_the_mode(BookFactory factory)
    {
        var d = QuotedBookIn(factory, MarketMode.Halted);

        Expect.Rejection(d.Buy(0, 90, 5), RejectReason.InvalidAccount);
        Expect.Rejection(d.Cancel(0, 1), RejectReason.InvalidAccount);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Setting_the_current_mode_or_an_undefined_one_is_invalid(BookFactory factory)
    {
        var d = new BookDriver(factory);

        var reject = Expect.Rejection(d.SetMode(MarketMode.Open), RejectReason.InvalidMode);
        Expect.Rejection(d.SetMode((MarketMode)42), RejectReason.InvalidMode);

        Assert.Equal(0, reject.AccountId);
        Assert.Equal(MarketMode.Open, d.Book.Mode);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_crossed_book_cannot_enter_a_matching_mode(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.SetMode(MarketMode.Auction);
        d.Buy(1, 101, 5);
        d.Sell(2, 100, 5);

        Expect.Rejection(d.SetMode(MarketMode.Open), RejectReason.BookCrossed);
        Expect.Rejection(d.SetMode(MarketMode.PostOnly), RejectReason.BookCrossed);

        // Modes that do not match may hold a crossed book; it still cannot open from there.
        Assert.Collection(d.SetMode(MarketMode.CancelOnly), Expect.ModeChanged(MarketMode.CancelOnly, MarketMode.Auction));
        Expect.Rejection(d.SetMode(MarketMode.Open), RejectReason.BookCrossed);
        Assert.Collection(d.SetMode(MarketMode.Halted), Expect.ModeChanged(MarketMode.Halted, MarketMode.CancelOnly));
        Expect.Rejection(d.SetMode(MarketMode.Open), RejectReason.BookCrossed);
        Assert.Equal((2, 2), (d.BidIds.Length + d.AskIds.Length, d.Book.RestingOrderCount));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_book_that_is_not_crossed_may_leave_an_auction_without_uncrossing(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.SetMode(MarketMode.Auction);
        d.Buy(1, 99, 5);
        d.Sell(2, 100, 5);

        Assert.Collection(d.SetMode(MarketMode.Open), Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));
        Assert.Collection(d.Buy(3, 100, 2), Expect.Accepted(3), Expect.Trade(3, 2, 100, 2));
    }
}
