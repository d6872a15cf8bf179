using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>Input checks; the default spec allows prices 1..1000 and sizes 1..1000.</summary>
public sealed class ValidationTests
{
    private static PlaceOrder Limit(long account = 1, Side side = Side.Buy, long price = 50, long size = 5,
        TimeInForce tif = TimeInForce.GoodTillCancel, OrderFlags flags = OrderFlags.None,
        SelfTradePrevention stp = SelfTradePrevention.CancelTaker, string? clientOrderId = null, OrderType type = OrderType.Limit) =>
        new(account, side, type, price, size, tif, flags, stp, clientOrderId);

    /// <summary>A book with liquidity on both sides far from 50, so that only the check under test can reject.</summary>
    private static BookDriver QuotedBook(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(9, 10, 100);
        d.Sell(9, 900, 100);
        return d;
    }

    private static void AssertRejected(BookDriver d, PlaceOrder order, RejectReason reason)
    {
        var reject = Expect.Rejection(d.Place(order), reason);
        Assert.Equal((order.AccountId, order.ClientOrderId, 0L), (reject.AccountId, reject.ClientOrderId, reject.OrderId));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_account_id_must_be_positive(BookFactory factory)
    {
        var d = QuotedBook(factory);
        AssertRejected(d, Limit(account: 0), RejectReason.InvalidAccount);
        AssertRejected(d, Limit(account: -5), RejectReason.InvalidAccount);
        AssertRejected(d, Limit(account: long.MinValue), RejectReason.InvalidAccount);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_limit_price_must_lie_within_the_spec(BookFactory factory)
    {
        var d = QuotedBook(factory);
        AssertRejected(d, Limit(price: 0), RejectReason.InvalidPrice);
        AssertRejected(d, Limit(price: -1), RejectReason.InvalidPrice);
        AssertRejected(d, Limit(price: 1_001), RejectReason.InvalidPrice);
        AssertRejected(d, Limit(price: long.MaxValue), RejectReason.InvalidPrice);
        Assert.Collection(d.Place(Limit(price: 1)), Expect.Accepted(3));
        Assert.Collection(d.Place(Limit(side: Side.Sell, price: 1_000)), Expect.Accepted(4));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_size_must_lie_within_the_spec(BookFactory factory)
    {
        var d = QuotedBook(factory);
        AssertRejected(d, Limit(size: 0), RejectReason.InvalidSize);
        AssertRejected(d, Limit(size: -1), RejectReason.InvalidSize);
        AssertRejected(d, Limit(size: 1_001), RejectReason.InvalidSize);
        AssertRejected(d, Limit(type: OrderType.Market, price: 0, size: 0), RejectReason.InvalidSize);
        Assert.Collection(d.Place(Limit(size: 1)), Expect.Accepted(3));
        Assert.Collection(d.Place(Limit(size: 1_000)), Expect.Accepted(4));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_size_below_a_larger_minimum_is_rejected(BookFactory factory)
    {
        var d = new BookDriver(factory, spec: BookDriver.DefaultSpec with { MinSize = 10 });
        AssertRejected(d, Limit(size: 9), RejectReason.InvalidSize);
        Assert.Collection(d.Place(Limit(size: 10)), Expect.Accepted(1));
        Expect.Rejection(d.Amend(1, 1, 50, 9), RejectReason.InvalidSize);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Undefined_enum_values_are_invalid_order_terms(BookFactory factory)
    {
        var d = QuotedBook(factory);
        // Far from the defined values, so that adding an enum member does not turn these valid.
        AssertRejected(d, Limit(side: (Side)200), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(type: (OrderType)200), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(tif: (TimeInForce)200), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(stp: (SelfTradePrevention)200), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(flags: (OrderFlags)8), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(flags: (OrderFlags)255), RejectReason.InvalidOrderTerms);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Post_only_makes_no_sense_with_IOC_FOK_or_a_market_order(BookFactory factory)
    {
        var d = QuotedBook(factory);
        AssertRejected(d, Limit(tif: TimeInForce.ImmediateOrCancel, flags: OrderFlags.PostOnly), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(tif: TimeInForce.FillOrKill, flags: OrderFlags.PostOnly), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(type: OrderType.Market, price: 0, flags: OrderFlags.PostOnly), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(type: OrderType.Market, price: 0, flags: OrderFlags.PostOnly | OrderFlags.ReduceOnly), RejectReason.InvalidOrderTerms);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_client_order_id_must_be_1_to_64_printable_ascii_characters_without_spaces(BookFactory factory)
    {
        var d = QuotedBook(factory);
        foreach (var bad in (string[])["", new string('x', 65), "has space", "tab\t", "\u0001", "del\u007f", "caf\u00e9", "\u4e2d"])
            AssertRejected(d, Limit(clientOrderId: bad), RejectReason.InvalidClientOrderId);

        Assert.Collection(d.Place(Limit(clientOrderId: new string('x', 64))), Expect.Accepted(3));
        Assert.Collection(d.Place(Limit(clientOrderId: "!~")), Expect.Accepted(4));
        Assert.Collection(d.Place(Limit(clientOrderId: "a")), Expect.Accepted(5));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Checks_run_in_the_documented_order(BookFactory factory)
    {
        var d = QuotedBook(factory);
        // OrderRules.CheckPlace: account, mode, client order id, enum terms, post-only terms, price, size.
        AssertRejected(d, Limit(account: 0, price: 0, clientOrderId: ""), RejectReason.InvalidAccount);
        AssertRejected(d, Limit(price: 0, size: 0, clientOrderId: ""), RejectReason.InvalidClientOrderId);
        AssertRejected(d, Limit(side: (Side)9, price: 0), RejectReason.InvalidOrderTerms);
        AssertRejected(d, Limit(price: 0, size: 0), RejectReason.InvalidPrice);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Amend_and_cancel_check_their_inputs(BookFactory factory)
    {
        var d = QuotedBook(factory);

        Expect.Rejection(d.Amend(0, 1, 11, 100), RejectReason.InvalidAccount);
        Expect.Rejection(d.Amend(9, 1, 0, 100), RejectReason.InvalidPrice);
        Expect.Rejection(d.Amend(9, 1, 1_001, 100), RejectReason.InvalidPrice);
        Expect.Rejection(d.Amend(9, 1, 11, 0), RejectReason.InvalidSize);
        Expect.Rejection(d.Amend(9, 1, 11, 1_001), RejectReason.InvalidSize);
        Expect.Rejection(d.Cancel(0, 1), RejectReason.InvalidAccount);
        Expect.Rejection(d.Cancel(-1, 1), RejectReason.InvalidAccount);
        Expect.Rejection(d.CancelAll(0), RejectReason.InvalidAccount);
        Assert.Equal([1], d.BidIds);
    }

    /// <summary>
    /// KNOWN BUG (shared rules, fails today; low severity): Problem() bounds MaxPrice x MaxSize so that no single
    /// order's notional overflows, but nothing bounds the sum of sizes at one price. With MaxPrice 1 and MaxSize
    /// long.MaxValue, two resting sells overflow: the reference book throws OverflowException summing them for a
    /// fill-or-kill buy (after it already emitted OrderAccepted and advanced its sequence), and the fast book throws
    /// inside the second Place while adding it to its level total, leaving the book inconsistent. In general this
    /// needs more than MaxPrice max-size orders at one level. Either fix passes: refuse such a spec, or cope.
    /// </summary>
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_spec_the_book_accepts_never_makes_resting_sizes_overflow(BookFactory factory)
    {
        var spec = new MarketSpec("HUGE", 1m, 1m, MinPrice: 1, MaxPrice: 1, MinSize: 1, MaxSize: long.MaxValue, MarketProtectionTicks: 0);
        if (spec.Problem() is not null) return; // refusing the spec is a fix too

        var book = factory.Create(spec, MarketMode.Open);
        var events = new EventBuffer();
        book.Place(new PlaceOrder(1, Side.Sell, OrderType.Limit, 1, long.MaxValue), 1, events);
        book.Place(new PlaceOrder(2, Side.Sell, OrderType.Limit, 1, long.MaxValue), 2, events);
        book.Place(new PlaceOrder(3, Side.Buy, OrderType.Limit, 1, 1, TimeInForce.FillOrKill), 3, events);

        Assert.Equal([EventKind.OrderAccepted, EventKind.OrderAccepted, EventKind.OrderAccepted, EventKind.TradeExecuted],
            events.ToArray().Select(e => e.Kind));
        book.CheckConsistency();
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_book_refuses_an_unusable_spec(BookFactory factory)
    {
        var spec = BookDriver.DefaultSpec;
        foreach (var bad in new[]
                 {
                     spec with { Symbol = " " }, spec with { TickSize = 0 }, spec with { LotSize = -1 },
                     spec with { MinPrice = 0 }, spec with { MaxPrice = 0 }, spec with { MinSize = 0 },
                     spec with { MaxSize = 0 }, spec with { MarketProtectionTicks = -1 },
                     spec with { MinPrice = 1, MaxPrice = MarketSpec.MaxPriceRange + 2 },
                     spec with { MaxPrice = 1_000, MaxSize = long.MaxValue / 999 },
                 })
        {
            Assert.NotNull(bad.Problem());
            Assert.Throws<ArgumentException>(() => factory.Create(bad, MarketMode.Open));
        }
    }
}
