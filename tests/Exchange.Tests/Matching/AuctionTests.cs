using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// Auction books worked by hand. Notation: buy(p) = bid size at p or higher, sell(p) = ask size at p or lower,
/// volume(p) = min(buy, sell), imbalance(p) = |buy - sell|.
/// </summary>
public sealed class AuctionTests
{
    private static BookDriver InAuction(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.SetMode(MarketMode.Auction);
        return d;
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Crossing_orders_rest_in_an_auction_and_nothing_trades(BookFactory factory)
    {
        var d = InAuction(factory);

        Assert.Collection(d.Buy(1, 102, 5), Expect.Accepted(1));
        Assert.Collection(d.Sell(2, 100, 3), Expect.Accepted(2));
        Assert.Collection(d.Buy(3, 101, 2, flags: OrderFlags.PostOnly), Expect.Accepted(3));
        Assert.Collection(d.Amend(2, 2, 99, 4), Expect.Amended(2, 99, 4));
        Assert.Collection(d.Sell(1, 100, 1), Expect.Accepted(4)); // crosses its own account's bid: still just rests

        Assert.Equal([1, 3], d.BidIds);
        Assert.Equal([2, 4], d.AskIds);
        Assert.DoesNotContain(d.History, e => e.Kind == EventKind.TradeExecuted);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Market_IOC_and_FOK_orders_are_refused_during_an_auction(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Sell(2, 100, 3);

        Expect.Rejection(d.MarketBuy(1, 1), RejectReason.MarketInAuction);
        Expect.Rejection(d.Buy(1, 100, 1, TimeInForce.ImmediateOrCancel), RejectReason.MarketInAuction);
        Expect.Rejection(d.Buy(1, 100, 1, TimeInForce.FillOrKill), RejectReason.MarketInAuction);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Orders_can_be_cancelled_during_an_auction(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Buy(1, 102, 5);

        Assert.Collection(d.Cancel(1, 1), Expect.Cancelled(1, 5, CancelReason.Requested));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Uncross_executes_at_the_price_with_the_most_volume_in_price_time_priority(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Sell(4, 98, 2);  // 1  S1
        d.Buy(1, 102, 5);  // 2  B1
        d.Sell(5, 100, 4); // 3  S2
        d.Buy(2, 101, 3);  // 4  B2
        d.Sell(6, 101, 5); // 5  S3
        d.Buy(3, 99, 4);   // 6  B3

        //  p    buy(p)         sell(p)        volume
        //  98   5+3+4 = 12     2              2
        //  99   12             2              2
        //  100  5+3   = 8      2+4   = 6      6
        //  101  8              2+4+5 = 11     8   <- most
        //  102  5              11             5
        // Executing 8 at 101, best price first on both sides; the later-accepted order of each pair is the taker:
        //  B1(2) x S1(1): 2  -> B1 has 3 left      taker 2
        //  B1(2) x S2(3): 3  -> S2 has 1 left      taker 3
        //  B2(4) x S2(3): 1  -> B2 has 2 left      taker 4
        //  B2(4) x S3(5): 2  -> S3 has 3 left      taker 5      total 2+3+1+2 = 8
        Assert.Collection(d.Uncross(referencePrice: 100),
            Expect.Uncrossed(101, 8),
            Expect.Trade(taker: 2, maker: 1, price: 101, size: 2, takerRemaining: 3, makerRemaining: 0),
            Expect.Trade(taker: 3, maker: 2, price: 101, size: 3, takerRemaining: 1, makerRemaining: 0),
            Expect.Trade(taker: 4, maker: 3, price: 101, size: 1, takerRemaining: 2, makerRemaining: 0),
            Expect.Trade(taker: 5, maker: 4, price: 101, size: 2, takerRemaining: 3, makerRemaining: 0),
            Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));

        Assert.Equal(MarketMode.Open, d.Book.Mode);
        Assert.Equal([6], d.BidIds);
        Assert.Equal([5], d.AskIds);
        Assert.Equal((101L, 3L, 2L), (d.Order(5).Price, d.Order(5).Remaining, d.Order(5).Filled));
        Assert.True(d.Book.TryGetBestPrice(Side.Buy, out var bid) && d.Book.TryGetBestPrice(Side.Sell, out var ask) && bid < ask);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Uncross_fills_one_price_level_in_time_order(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Buy(1, 100, 3);  // 1
        d.Buy(2, 100, 3);  // 2
        d.Sell(3, 100, 4); // 3

        // Only 100 crosses: buy 6, sell 4, volume 4. Order 1 fills whole, order 2 gets the last 1.
        Assert.Collection(d.Uncross(100),
            Expect.Uncrossed(100, 4),
            Expect.Trade(3, 1, 100, 3, takerRemaining: 1, makerRemaining: 0),
            Expect.Trade(3, 2, 100, 1, takerRemaining: 0, makerRemaining: 2),
            Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));
        Assert.Equal([2], d.BidIds);
        Assert.Equal(2, d.Order(2).Remaining);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Equal_volumes_go_to_the_smallest_imbalance_even_away_from_the_reference(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Buy(1, 101, 5);  // 1
        d.Buy(2, 99, 5);   // 2
        d.Sell(3, 99, 5);  // 3
        d.Sell(4, 101, 3); // 4

        //  p    buy   sell   volume  imbalance  |p - 99|
        //  99   10    5      5       5          0
        //  100  5     5      5       0          1      <- smallest imbalance wins over the reference's 99
        //  101  5     8      5       3          2
        Assert.Collection(d.Uncross(referencePrice: 99),
            Expect.Uncrossed(100, 5),
            Expect.Trade(taker: 3, maker: 1, price: 100, size: 5, takerRemaining: 0, makerRemaining: 0),
            Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));
        Assert.Equal([2], d.BidIds);
        Assert.Equal([4], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Equal_volume_and_imbalance_go_to_the_price_closest_to_the_reference(BookFactory factory)
    {
        // Buy 4 at 103 and 2 at 100; sell 4 at 97 and 2 at 101.
        //  p         buy   sell   volume  imbalance
        //  97..100   6     4      4       2
        //  101..103  4     6      4       2
        // Every price from 97 to 103 ties on volume and imbalance, so the reference decides; a reference outside
        // the crossed range picks the nearest end of it.
        foreach (var (reference, expected) in new (long, long)[] { (100, 100), (101, 101), (99, 99), (500, 103), (1, 97) })
        {
            var d = InAuction(factory);
            d.Buy(1, 103, 4);  // 1
            d.Buy(2, 100, 2);  // 2
            d.Sell(3, 97, 4);  // 3
            d.Sell(4, 101, 2); // 4

            var events = d.Uncross(reference);

            Expect.Uncrossed(expected, 4)(events[0]);
            Assert.All(events.Where(e => e.Kind == EventKind.TradeExecuted), e => Assert.Equal(expected, e.Price));
            // Order 1 (the best bid) takes all 4 of order 3 (the best ask), whatever the price.
            Assert.Equal([1], events.Where(e => e.Kind == EventKind.TradeExecuted).Select(e => e.MakerOrderId));
        }
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Uncross_of_a_book_that_does_not_cross_only_opens_the_market(BookFactory factory)
    {
        var d = InAuction(factory);
        Assert.Collection(d.Uncross(100), Expect.Uncrossed(0, 0), Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));

        d.SetMode(MarketMode.Auction);
        d.Buy(1, 99, 5);
        d.Sell(2, 101, 5);

        Assert.Collection(d.Uncross(100), Expect.Uncrossed(0, 0), Expect.ModeChanged(MarketMode.Open, MarketMode.Auction));
        Assert.Equal([1], d.BidIds);
        Assert.Equal([2], d.AskIds);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Uncross_outside_an_auction_is_rejected(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5);

        var reject = Expect.Rejection(d.Uncross(100), RejectReason.NotInAuction);

        Assert.Equal((0L, 1L), (reject.AccountId, reject.Sequence));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Uncross_with_a_reference_price_outside_the_spec_is_rejected(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Buy(1, 101, 5);
        d.Sell(2, 100, 5);

        Expect.Rejection(d.Uncross(0), RejectReason.InvalidPrice);
        Expect.Rejection(d.Uncross(1_001), RejectReason.InvalidPrice);
        Assert.Equal(MarketMode.Auction, d.Book.Mode);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void After_an_uncross_the_market_trades_continuously_again(BookFactory factory)
    {
        var d = InAuction(factory);
        d.Buy(1, 101, 5);  // 1
        d.Sell(2, 100, 2); // 2
        d.Uncross(100);    // 100 and 101 both give volume 2 and imbalance 3: the reference 100 decides

        Assert.Equal(100, d.History.Single(e => e.Kind == EventKind.AuctionUncrossed).Price);
        Assert.Collection(d.Sell(3, 101, 1), Expect.Accepted(3), Expect.Trade(3, 1, 101, 1, takerRemaining: 0, makerRemaining: 2));
    }
}
