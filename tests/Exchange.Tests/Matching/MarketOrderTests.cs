using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>The default spec lets a market order trade up to 5 ticks through the best opposite price on arrival.</summary>
public sealed class MarketOrderTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_buy_fills_up_to_five_ticks_above_the_best_ask_and_cancels_the_rest_as_unfilled(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 2); // 1
        d.Sell(1, 103, 2); // 2
        d.Sell(1, 105, 2); // 3: exactly at the limit 100 + 5
        d.Sell(1, 106, 2); // 4: one tick beyond it

        var events = d.MarketBuy(2, 10);

        Assert.Collection(events,
            e => Assert.Equal((EventKind.OrderAccepted, OrderType.Market, 105L, 10L), (e.Kind, e.OrderType, e.Price, e.Size)),
            Expect.Trade(5, 1, 100, 2, takerRemaining: 8, makerRemaining: 0),
            Expect.Trade(5, 2, 103, 2, takerRemaining: 6, makerRemaining: 0),
            Expect.Trade(5, 3, 105, 2, takerRemaining: 4, makerRemaining: 0),
            Expect.Cancelled(5, 4, CancelReason.Unfilled));
        Assert.Equal(105, events[^1].Price);
        Assert.Equal([4], d.AskIds);
        Assert.Empty(d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_sell_fills_down_to_five_ticks_below_the_best_bid(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 3); // 1
        d.Buy(1, 95, 3);  // 2: exactly at the limit 100 - 5
        d.Buy(1, 94, 3);  // 3

        Assert.Collection(d.MarketSell(2, 10),
            e => Assert.Equal((EventKind.OrderAccepted, 95L), (e.Kind, e.Price)),
            Expect.Trade(4, 1, 100, 3, takerRemaining: 7, makerRemaining: 0),
            Expect.Trade(4, 2, 95, 3, takerRemaining: 4, makerRemaining: 0),
            Expect.Cancelled(4, 4, CancelReason.Unfilled));
        Assert.Equal([3], d.BidIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_fully_filled_market_order_has_nothing_to_cancel(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        Assert.Collection(d.MarketBuy(2, 3), Expect.Accepted(2), Expect.Trade(2, 1, 100, 3, takerRemaining: 0, makerRemaining: 2));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_order_never_rests_whatever_its_time_in_force(BookFactory factory)
    {
        foreach (var tif in (TimeInForce[])[TimeInForce.GoodTillCancel, TimeInForce.ImmediateOrCancel])
        {
            var d = new BookDriver(factory);
            d.Sell(1, 100, 1);
            Assert.Collection(d.MarketBuy(2, 4, tif), Expect.Accepted(2), Expect.Trade(2, 1, 100, 1), Expect.Cancelled(2, 3, CancelReason.Unfilled));
            Assert.Empty(d.BidIds);
        }
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_order_on_an_empty_opposite_side_is_rejected_for_no_liquidity(BookFactory factory)
    {
        var d = new BookDriver(factory);
        Expect.Rejection(d.MarketSell(1, 5, clientOrderId: "m1"), RejectReason.NoLiquidity);

        d.Buy(1, 100, 5); // liquidity on its own side does not count
        var reject = Expect.Rejection(d.MarketBuy(2, 5, clientOrderId: "m2"), RejectReason.NoLiquidity);

        Assert.Equal((2L, "m2", 0L, 1L), (reject.AccountId, reject.ClientOrderId, reject.OrderId, reject.Sequence));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_order_with_a_price_outside_the_range_is_rejected(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        Expect.Rejection(d.Place(new PlaceOrder(2, Side.Buy, OrderType.Market, 1_001, 5)), RejectReason.InvalidPrice);
        Expect.Rejection(d.Place(new PlaceOrder(2, Side.Buy, OrderType.Market, -1, 5)), RejectReason.InvalidPrice);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_orders_cap_bounds_it_inside_its_protection(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);
        d.Sell(1, 103, 5);
        d.Buy(3, 97, 5);
        d.Buy(3, 95, 5);

        // Protection alone would allow 105; the cap (the price the account reserved margin at) stops it at 101.
        Assert.Collection(d.Place(new PlaceOrder(2, Side.Buy, OrderType.Market, 101, 10)),
            e => Assert.Equal((EventKind.OrderAccepted, 101L), (e.Kind, e.Price)),
            Expect.Trade(5, 1, 100, 5),
            Expect.Cancelled(5, 5, CancelReason.Unfilled));
        // A cap beyond the protection changes nothing: the tighter of the two holds.
        Assert.Equal(92, d.Place(new PlaceOrder(2, Side.Sell, OrderType.Market, 50, 1))[0].Price);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_order_limit_stays_inside_the_price_range(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 998, 1);
        // min(MaxPrice 1000, 998 + 5 = 1003) = 1000
        Assert.Equal(1000, d.MarketBuy(2, 2)[0].Price);

        d.Buy(1, 3, 1);
        // max(MinPrice 1, 3 - 5 = -2) = 1
        Assert.Equal(1, d.MarketSell(2, 2)[0].Price);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_order_with_no_protection_trades_only_at_the_best_price(BookFactory factory)
    {
        var d = new BookDriver(factory, spec: BookDriver.DefaultSpec with { MarketProtectionTicks = 0 });
        d.Sell(1, 100, 1);
        d.Sell(1, 101, 1);

        Assert.Collection(d.MarketBuy(2, 2), Expect.Accepted(3), Expect.Trade(3, 1, 100, 1), Expect.Cancelled(3, 1, CancelReason.Unfilled));
    }

    /// <summary>
    /// KNOWN BUG (shared rules, fails today): MarketSpec.Problem() accepts any non-negative protection, but
    /// OrderRules.MarketLimit computes bestOpposite + MarketProtectionTicks before clamping, which throws
    /// OverflowException (CheckForOverflowUnderflow) for a buy when the protection is near long.MaxValue.
    /// Either fix passes this test: clamp without overflowing, or have Problem() refuse such a spec.
    /// </summary>
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_market_buy_limit_is_clamped_to_the_max_price_even_with_huge_protection(BookFactory factory)
    {
        var spec = BookDriver.DefaultSpec with { MarketProtectionTicks = long.MaxValue };
        if (spec.Problem() is not null) return; // refusing the spec is a fix too

        var d = new BookDriver(factory, spec: spec);
        d.Sell(1, 100, 1);

        Assert.Collection(d.MarketBuy(2, 2),
            e => Assert.Equal((EventKind.OrderAccepted, 1000L), (e.Kind, e.Price)),
            Expect.Trade(2, 1, 100, 1),
            Expect.Cancelled(2, 1, CancelReason.Unfilled));
    }
}
