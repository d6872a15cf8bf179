using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Tests.Risk;

/// <summary>
/// Which accounts of a liquidator's chunk go to the book: each sees the depth the accounts before it would take, at its
/// own bankruptcy price (hand-computed books: prices in ticks, sizes in lots).
/// </summary>
public sealed class BookDepthTests
{
    private static PriceLevel L(long price, long size) => new(price, size, 1);

    [Fact]
    public void Only_a_resting_price_that_reaches_the_bankruptcy_price_may_absorb()
    {
        var depth = new BookDepth([L(95, 100)], [L(105, 100)], levelsAsked: 10);
        Assert.False(depth.Take(10, 96), "a long needs a bid at or above its bankruptcy price");
        Assert.True(depth.Take(10, 95), "a bid at the bankruptcy price takes a long");
        Assert.False(depth.Take(-10, 104), "a short needs an ask at or below its bankruptcy price");
        Assert.True(depth.Take(-10, 105), "an ask at the bankruptcy price takes a short");
        Assert.False(new BookDepth([], [], levelsAsked: 10).Take(10, 1), "no bids: a long cannot be sold");
        Assert.False(depth.Take(0, 95), "no position, nothing to take");
    }

    [Fact]
    public void Accounts_later_in_the_chunk_see_what_the_earlier_ones_leave()
    {
        // Bids: 30 lots at 100, 20 at 98, then 50 at 90.
        var depth = new BookDepth([L(100, 30), L(98, 20), L(90, 50)], [], levelsAsked: 10);

        Assert.True(depth.Take(25, 95));   // 25 of the 30 at 100
        Assert.True(depth.Take(25, 95));   // 5 at 100, 20 at 98: everything at or above 95 is gone
        Assert.False(depth.Take(10, 95));  // the bids left (at 90) are below its bankruptcy price
        Assert.True(depth.Take(10, 90));   // a lower bankruptcy price still meets the 50 at 90
        Assert.True(depth.Take(60, 85));   // 40 left at 90: part of it is enough to try the book
        Assert.False(depth.Take(1, 85));   // the bids are all taken
    }

    [Fact]
    public void Past_the_last_level_of_a_view_that_may_have_more_the_book_is_tried()
    {
        // Asked for two levels and shown two: the side may go on beyond 98.
        var truncated = new BookDepth([L(100, 10), L(98, 10)], [], levelsAsked: 2);
        Assert.True(truncated.Take(20, 95));
        Assert.True(truncated.Take(5, 95), "the levels shown are taken, but more may rest beyond 98, within 95");
        Assert.False(truncated.Take(5, 99), "the levels shown that reach 99 are taken, and any beyond the view lie below 98");

        var whole = new BookDepth([L(100, 10), L(98, 10)], [], levelsAsked: 3);
        Assert.True(whole.Take(20, 95));
        Assert.False(whole.Take(5, 95), "the side showed fewer levels than asked: that is all of it");
    }
}
