using CsCheck;
using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// <see cref="AuctionPricing.TryChoose"/> on hand-made levels (bids highest first, asks lowest first). These need
/// no book, so they are plain facts. buy(p) = bid size at p or higher, sell(p) = ask size at p or lower.
/// </summary>
public sealed class AuctionPricingTests
{
    private static PriceLevel[] Levels(params (long Price, long Size)[] levels) =>
        [.. levels.Select(l => new PriceLevel(l.Price, l.Size, 1))];

    private static (bool Crossed, long Price, long Volume) Choose(PriceLevel[] bids, PriceLevel[] asks, long reference)
    {
        var crossed = AuctionPricing.TryChoose(bids, asks, reference, out var price, out var volume);
        return (crossed, price, volume);
    }

    [Fact]
    public void Nothing_is_chosen_when_the_book_does_not_cross()
    {
        Assert.Equal((false, 0L, 0L), Choose(Levels((99, 5)), Levels((100, 5)), 100));
        Assert.Equal((false, 0L, 0L), Choose([], Levels((100, 5)), 100));
        Assert.Equal((false, 0L, 0L), Choose(Levels((100, 5)), [], 100));
        Assert.Equal((false, 0L, 0L), Choose([], [], 100));
    }

    [Fact]
    public void The_price_with_the_most_volume_is_chosen()
    {
        //  p    buy   sell   volume
        //  98   12    2      2
        //  99   12    2      2
        //  100  8     6      6
        //  101  8     11     8   <- most
        //  102  5     11     5
        var bids = Levels((102, 5), (101, 3), (99, 4));
        var asks = Levels((98, 2), (100, 4), (101, 5));

        Assert.Equal((true, 101L, 8L), Choose(bids, asks, 100));
        Assert.Equal((true, 101L, 8L), Choose(bids, asks, 98));
    }

    [Fact]
    public void Levels_that_cannot_cross_do_not_change_the_answer()
    {
        var bids = Levels((102, 5), (101, 3), (99, 4), (90, 50));
        var asks = Levels((98, 2), (100, 4), (101, 5), (120, 50));

        Assert.Equal((true, 101L, 8L), Choose(bids, asks, 100));
    }

    [Fact]
    public void Equal_volumes_go_to_the_smallest_imbalance()
    {
        //  p    buy   sell   volume  imbalance
        //  99   10    5      5       5
        //  100  5     5      5       0   <- chosen although the reference is 99
        //  101  5     8      5       3
        var bids = Levels((101, 5), (99, 5));
        var asks = Levels((99, 5), (101, 3));

        Assert.Equal((true, 100L, 5L), Choose(bids, asks, 99));
        Assert.Equal((true, 100L, 5L), Choose(bids, asks, 101));
    }

    [Fact]
    public void Equal_volume_and_imbalance_go_to_the_price_closest_to_the_reference()
    {
        // 97..100: buy 6, sell 4; 101..103: buy 4, sell 6. Volume 4 and imbalance 2 everywhere from 97 to 103.
        var bids = Levels((103, 4), (100, 2));
        var asks = Levels((97, 4), (101, 2));

        Assert.Equal((true, 100L, 4L), Choose(bids, asks, 100));
        Assert.Equal((true, 98L, 4L), Choose(bids, asks, 98));
        Assert.Equal((true, 102L, 4L), Choose(bids, asks, 102));
        Assert.Equal((true, 103L, 4L), Choose(bids, asks, 1_000)); // beyond the range: its nearest end
        Assert.Equal((true, 97L, 4L), Choose(bids, asks, 1));
    }

    [Fact]
    public void A_reference_inside_a_gap_between_order_prices_is_itself_a_candidate()
    {
        // One bid at 110, one ask at 90: volume 5 and imbalance 0 at every price between; no order near 100.
        var bids = Levels((110, 5));
        var asks = Levels((90, 5));

        Assert.Equal((true, 100L, 5L), Choose(bids, asks, 100));
        Assert.Equal((true, 95L, 5L), Choose(bids, asks, 95));
    }

    [Fact]
    public void The_imbalance_is_what_is_left_at_the_chosen_price_signed_by_side()
    {
        // From the table above: at 101, buy 8 and sell 11, so 3 lots of selling are left over.
        var bids = Levels((102, 5), (101, 3), (99, 4));
        var asks = Levels((98, 2), (100, 4), (101, 5));
        Assert.True(AuctionPricing.TryChoose(bids, asks, 100, out var price, out var volume, out var imbalance));
        Assert.Equal((101L, 8L, -3L), (price, volume, imbalance));
        Assert.False(AuctionPricing.TryChoose(Levels((99, 5)), Levels((100, 5)), 100, out _, out _, out imbalance));
        Assert.Equal(0, imbalance);
    }

    [Fact]
    public void The_fast_books_indication_is_what_its_uncross_then_trades()
    {
        var order = Gen.Select(Gen.Bool, Gen.Long[190, 210], Gen.Long[1, 6]);
        Gen.Select(order.Array[0, 12], Gen.Long[185, 215]).Sample((orders, reference) =>
        {
            var d = new BookDriver(BookFactories.Implementations[1], MarketMode.Auction);
            var account = 1L;
            foreach (var (buy, price, size) in orders)
                _ = buy ? d.Buy(account++, price, size) : d.Sell(account++, price, size);
            var book = Assert.IsType<FastOrderBook>(d.Book);

            var indicated = book.TryIndicate(reference, out var indication);
            var uncrossed = d.Uncross(reference).Single(e => e.Kind == EventKind.AuctionUncrossed);

            Assert.Equal(indicated ? (indication.Price, indication.Volume) : (0, 0), (uncrossed.Price, uncrossed.Size));
            Assert.Equal(indicated, uncrossed.Size > 0);
        }, iter: 2_000);
    }

    [Fact]
    public void The_choice_matches_the_documented_rule_checked_price_by_price()
    {
        var side = Gen.Select(Gen.Long[90, 110], Gen.Long[1, 6]).Array[0, 5];
        Gen.Select(side, side, Gen.Long[85, 115]).Sample((bidOrders, askOrders, reference) =>
        {
            var bids = Aggregate(bidOrders, highestFirst: true);
            var asks = Aggregate(askOrders, highestFirst: false);

            var crossed = AuctionPricing.TryChoose(bids, asks, reference, out var price, out var volume, out var imbalance);

            var expected = BruteForce(bids, asks, reference);
            Assert.Equal((expected.Volume > 0, expected.Price, expected.Volume, expected.Imbalance), (crossed, price, volume, imbalance));
        }, iter: 20_000);
    }

    private static PriceLevel[] Aggregate((long Price, long Size)[] orders, bool highestFirst)
    {
        var levels = orders.GroupBy(o => o.Price).Select(g => new PriceLevel(g.Key, g.Sum(o => o.Size), g.Count()));
        return [.. highestFirst ? levels.OrderByDescending(l => l.Price) : levels.OrderBy(l => l.Price)];
    }

    /// <summary>Every price in the whole range, ranked by: most volume, smallest imbalance, closest to the reference, lowest;
    /// with the signed imbalance (buy - sell) at the chosen price.</summary>
    private static (long Price, long Volume, long Imbalance) BruteForce(PriceLevel[] bids, PriceLevel[] asks, long reference)
    {
        (long Price, long Volume, long Imbalance, long Distance) best = (0, 0, 0, 0);
        var signed = 0L;
        for (long p = 80; p <= 120; p++)
        {
            var buy = bids.Where(l => l.Price >= p).Sum(l => l.Size);
            var sell = asks.Where(l => l.Price <= p).Sum(l => l.Size);
            var candidate = (p, Math.Min(buy, sell), Math.Abs(buy - sell), Math.Abs(p - reference));
            if (candidate.Item2 == 0) continue;
            var better = best.Volume == 0 || candidate.Item2 > best.Volume
                || (candidate.Item2 == best.Volume && (candidate.Item3, candidate.Item4, candidate.p).CompareTo((best.Imbalance, best.Distance, best.Price)) < 0);
            if (better) (best, signed) = (candidate, buy - sell);
        }
        return best.Volume == 0 ? (0, 0, 0) : (best.Price, best.Volume, signed);
    }
}
