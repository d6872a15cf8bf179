using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// The depth a chunk of liquidation orders would meet, as one view of the book shows it, taken account by account in the
/// chunk's order as the orders will run: a long closed by selling takes the bids at or above its bankruptcy price, a short
/// the asks at or below. An account that the accounts before it leave nothing to take would trade nothing on the book,
/// so it goes straight to the fund and deleveraging (in a crash, when the makers have gone, that is most of a chunk; the
/// book step used to try each of them with an order first). The view may be a moment old: an order that then trades
/// nothing still goes on to the backstop, and depth that arrives after the view is met by the next chunk.
/// </summary>
public sealed class BookDepth
{
    private readonly long[] _bidPrices, _bidLeft, _askPrices, _askLeft;
    private readonly bool _moreBids, _moreAsks;

    /// <param name="bids">Bid levels, best first.</param>
    /// <param name="asks">Ask levels, best first.</param>
    /// <param name="levelsAsked">How many levels a side the view was asked for: a side that shows that many may have more,
    /// and a bankruptcy price past its last level shown may still meet some.</param>
    public BookDepth(IReadOnlyList<PriceLevel> bids, IReadOnlyList<PriceLevel> asks, int levelsAsked)
    {
        (_bidPrices, _bidLeft) = ([.. bids.Select(l => l.Price)], [.. bids.Select(l => l.Size)]);
        (_askPrices, _askLeft) = ([.. asks.Select(l => l.Price)], [.. asks.Select(l => l.Size)]);
        (_moreBids, _moreAsks) = (bids.Count >= levelsAsked, asks.Count >= levelsAsked);
    }

    /// <summary>
    /// Whether the book may absorb some of the position at its bankruptcy price, after the accounts asked before; takes what
    /// it would (up to the position) so that the accounts after see the rest.
    /// </summary>
    public bool Take(long size, long bankruptcyPrice)
    {
        if (size == 0) return false;
        var (prices, left, more) = size > 0 ? (_bidPrices, _bidLeft, _moreBids) : (_askPrices, _askLeft, _moreAsks);
        var wanted = Math.Abs(size);
        var took = 0L;
        var i = 0;
        for (; i < prices.Length && wanted > 0 && Reaches(size, prices[i], bankruptcyPrice); i++)
        {
            var lots = Math.Min(wanted, left[i]);
            (left[i], wanted, took) = (left[i] - lots, wanted - lots, took + lots);
        }
        // Every level shown is within reach and some of the position is left: what lies beyond the view may take it.
        var beyond = more && wanted > 0 && i == prices.Length && prices.Length > 0;
        return took > 0 || beyond;
    }

    private static bool Reaches(long size, long levelPrice, long bankruptcyPrice) =>
        size > 0 ? levelPrice >= bankruptcyPrice : levelPrice <= bankruptcyPrice;
}
