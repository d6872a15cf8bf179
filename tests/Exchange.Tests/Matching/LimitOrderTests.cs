using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class LimitOrderTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_buy_that_crosses_nothing_is_accepted_and_rests_on_the_bid_side(BookFactory factory)
    {
        var d = new BookDriver(factory);
        var order = new PlaceOrder(7, Side.Buy, OrderType.Limit, 99, 10, ClientOrderId: "first");

        var events = d.Place(order);

        Assert.Equal([MarketEvent.Accepted(1, d.Now, 1, order, 99)], events);
        Assert.Equal(new OrderView(1, 7, Side.Buy, 99, 10, 0, TimeInForce.GoodTillCancel, OrderFlags.None,
            SelfTradePrevention.CancelTaker, "first", d.Now), d.Order(1));
        Assert.True(d.Book.TryGetBestPrice(Side.Buy, out var bid));
        Assert.Equal(99, bid);
        Assert.False(d.Book.TryGetBestPrice(Side.Sell, out _));
        Assert.Equal(2, d.Book.NextOrderId);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_sell_one_tick_above_the_best_bid_does_not_trade(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5);

        Assert.Collection(d.Sell(2, 100, 5), Expect.Accepted(2));

        Assert.Equal([1], d.BidIds);
        Assert.Equal([2], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_crossing_buy_trades_at_the_resting_sellers_price(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        var events = d.Buy(2, 103, 5);

        // Sequence: 1 = sell accepted, 2 = buy accepted, 3 = the trade. Price 100 (the maker's), not 103.
        Assert.Equal(MarketEvent.Trade(3, d.Now, takerOrderId: 2, takerAccountId: 2, Side.Buy, makerOrderId: 1,
            makerAccountId: 1, price: 100, size: 5, takerRemaining: 0, makerRemaining: 0), events[1]);
        Assert.Equal(2, events.Length);
        Assert.Empty(d.BidIds);
        Assert.Empty(d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_crossing_sell_trades_at_the_resting_buyers_price(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 100, 5);

        Assert.Collection(d.Sell(2, 97, 5), Expect.Accepted(2), Expect.Trade(taker: 2, maker: 1, price: 100, size: 5));
        Assert.Equal(Side.Sell, d.History[^1].Side);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_partially_filled_taker_rests_the_rest_at_its_own_limit(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 4);

        Assert.Collection(d.Buy(2, 101, 10),
            Expect.Accepted(2),
            Expect.Trade(taker: 2, maker: 1, price: 100, size: 4, takerRemaining: 6, makerRemaining: 0));

        var rest = d.Order(2);
        Assert.Equal((101L, 6L, 4L), (rest.Price, rest.Remaining, rest.Filled));
        Assert.Empty(d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_partially_filled_maker_keeps_its_place_at_the_front_of_its_level(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 10);
        d.Sell(3, 100, 5);

        Assert.Collection(d.Buy(2, 100, 4), Expect.Accepted(3), Expect.Trade(3, 1, 100, 4, takerRemaining: 0, makerRemaining: 6));

        Assert.Equal([1, 2], d.AskIds);
        Assert.Equal((6L, 4L), (d.Order(1).Remaining, d.Order(1).Filled));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_large_buy_sweeps_levels_best_price_first_and_rests_what_is_left(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 102, 3); // id 1
        d.Sell(1, 100, 2); // id 2
        d.Sell(2, 101, 4); // id 3
        d.Sell(3, 105, 1); // id 4, beyond the buyer's limit

        // 12 to buy at up to 102: 2 @100 (10 left), 4 @101 (6 left), 3 @102 (3 left); 105 is too dear.
        Assert.Collection(d.Buy(4, 102, 12),
            Expect.Accepted(5),
            Expect.Trade(5, 2, 100, 2, takerRemaining: 10, makerRemaining: 0),
            Expect.Trade(5, 3, 101, 4, takerRemaining: 6, makerRemaining: 0),
            Expect.Trade(5, 1, 102, 3, takerRemaining: 3, makerRemaining: 0));

        Assert.Equal([5], d.BidIds);
        Assert.Equal((102L, 3L, 9L), (d.Order(5).Price, d.Order(5).Remaining, d.Order(5).Filled));
        Assert.Equal([4], d.AskIds);
        Assert.Equal(8, d.Book.Sequence); // 5 accepted + 3 trades
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Orders_at_one_price_fill_in_the_order_they_arrived(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 2);
        d.Sell(2, 100, 2);
        d.Sell(3, 100, 2);

        Assert.Collection(d.Buy(4, 100, 5),
            Expect.Accepted(4),
            Expect.Trade(4, 1, 100, 2, takerRemaining: 3, makerRemaining: 0),
            Expect.Trade(4, 2, 100, 2, takerRemaining: 1, makerRemaining: 0),
            Expect.Trade(4, 3, 100, 1, takerRemaining: 0, makerRemaining: 1));

        Assert.Equal([3], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_better_price_fills_before_an_earlier_order_at_a_worse_price(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 101, 5); // earlier, worse
        d.Sell(2, 100, 5); // later, better

        Assert.Collection(d.Buy(3, 101, 6),
            Expect.Accepted(3),
            Expect.Trade(3, 2, 100, 5, takerRemaining: 1, makerRemaining: 0),
            Expect.Trade(3, 1, 101, 1, takerRemaining: 0, makerRemaining: 4));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_higher_bid_fills_before_an_earlier_lower_bid(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5);
        d.Buy(2, 100, 5);

        Assert.Collection(d.Sell(3, 99, 7),
            Expect.Accepted(3),
            Expect.Trade(3, 2, 100, 5, takerRemaining: 2, makerRemaining: 0),
            Expect.Trade(3, 1, 99, 2, takerRemaining: 0, makerRemaining: 3));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Resting_orders_and_depth_list_the_best_price_first_then_arrival(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 1);  // 1
        d.Buy(2, 101, 2); // 2
        d.Buy(3, 99, 3);  // 3
        d.Buy(4, 100, 4); // 4
        d.Sell(1, 105, 1); // 5
        d.Sell(2, 103, 2); // 6
        d.Sell(3, 105, 3); // 7

        Assert.Equal([2, 4, 1, 3], d.BidIds);
        Assert.Equal([6, 5, 7], d.AskIds);

        var depth = new List<PriceLevel>();
        d.Book.CopyDepth(Side.Buy, 2, depth);
        Assert.Equal([new PriceLevel(101, 2, 1), new PriceLevel(100, 4, 1)], depth);
        depth.Clear();
        d.Book.CopyDepth(Side.Sell, 10, depth);
        Assert.Equal([new PriceLevel(103, 2, 1), new PriceLevel(105, 4, 2)], depth);
        Assert.Equal(new PriceLevel(99, 4, 2), d.Book.LevelAt(Side.Buy, 99));
        Assert.Equal(0, d.Book.LevelAt(Side.Buy, 98).Size);
        Assert.Equal(7, d.Book.RestingOrderCount);
    }
}
