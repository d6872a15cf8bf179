namespace Exchange.Matching;

/// <summary>A price level of the fast book: a FIFO of order slots linked through the order pool, and its total size.</summary>
internal struct Level
{
    public int Head;
    public int Tail;
    public int Count;
    public long Size;
}

/// <summary>
/// One side of the fast book: a level per tick, indexed directly by price, so placing at an existing level is an
/// array access. Ticks are grouped in pages of 4096 that are allocated on first use, and two tiers of
/// <see cref="HierarchicalBitmap"/> (ticks within a page, pages within the ladder) find the next occupied level
/// without walking empty ticks, however sparse the book is.
/// </summary>
internal sealed class PriceLadder
{
    private const int PageBits = 12;
    private const int PageSize = 1 << PageBits;
    private const int PageMask = PageSize - 1;

    private sealed class Page
    {
        public readonly Level[] Levels = new Level[PageSize];
        public readonly HierarchicalBitmap Occupied = new(PageSize);
    }

    private readonly long _minPrice;
    private readonly bool _bestIsHighest;
    private readonly Page?[] _pages;
    private readonly HierarchicalBitmap _occupiedPages;
    private long _best;

    public PriceLadder(long minPrice, long maxPrice, bool bestIsHighest)
    {
        _minPrice = minPrice;
        _bestIsHighest = bestIsHighest;
        var pages = (int)((maxPrice - minPrice) >> PageBits) + 1;
        _pages = new Page?[pages];
        _occupiedPages = new HierarchicalBitmap(pages);
    }

    public bool IsEmpty => _occupiedPages.IsEmpty;

    /// <summary>The best occupied price; meaningful only when not <see cref="IsEmpty"/>.</summary>
    public long BestPrice => _best;

    public int LevelCount { get; private set; }

    /// <summary>The level at a price, creating its page on first use. Its Count is 0 when unoccupied.</summary>
    public ref Level LevelAt(long price)
    {
        var index = (int)(price - _minPrice);
        var page = _pages[index >> PageBits] ??= new Page();
        return ref page.Levels[index & PageMask];
    }

    /// <summary>Records that the level at <paramref name="price"/> went from no orders to some.</summary>
    public void MarkOccupied(long price)
    {
        var index = (int)(price - _minPrice);
        var pageIndex = index >> PageBits;
        var page = _pages[pageIndex]!;
        if (page.Occupied.IsEmpty) _occupiedPages.Set(pageIndex);
        page.Occupied.Set(index & PageMask);
        if (LevelCount++ == 0 || IsBetter(price, _best)) _best = price;
    }

    /// <summary>Records that the level at <paramref name="price"/> has no orders left.</summary>
    public void MarkEmpty(long price)
    {
        var index = (int)(price - _minPrice);
        var pageIndex = index >> PageBits;
        var page = _pages[pageIndex]!;
        page.Occupied.Clear(index & PageMask);
        if (page.Occupied.IsEmpty) _occupiedPages.Clear(pageIndex);
        LevelCount--;
        if (price == _best && LevelCount > 0) TryNextWorse(price, out _best);
    }

    /// <summary>The nearest occupied price strictly worse than <paramref name="price"/>.</summary>
    public bool TryNextWorse(long price, out long next)
    {
        var index = (int)(price - _minPrice);
        var found = _bestIsHighest ? Below(index - 1) : Above(index + 1);
        next = found < 0 ? 0 : _minPrice + found;
        return found >= 0;
    }

    private int Above(int index)
    {
        var pageIndex = index >> PageBits;
        if (pageIndex >= _pages.Length) return -1;
        if (_pages[pageIndex] is { } page)
        {
            var inPage = page.Occupied.NextAtOrAbove(index & PageMask);
            if (inPage >= 0) return (pageIndex << PageBits) + inPage;
        }
        pageIndex = _occupiedPages.NextAtOrAbove(pageIndex + 1);
        return pageIndex < 0 ? -1 : (pageIndex << PageBits) + _pages[pageIndex]!.Occupied.NextAtOrAbove(0);
    }

    private int Below(int index)
    {
        if (index < 0) return -1;
        var pageIndex = index >> PageBits;
        if (_pages[pageIndex] is { } page)
        {
            var inPage = page.Occupied.NextAtOrBelow(index & PageMask);
            if (inPage >= 0) return (pageIndex << PageBits) + inPage;
        }
        pageIndex = _occupiedPages.NextAtOrBelow(pageIndex - 1);
        return pageIndex < 0 ? -1 : (pageIndex << PageBits) + _pages[pageIndex]!.Occupied.NextAtOrBelow(PageMask);
    }

    private bool IsBetter(long price, long than) => _bestIsHighest ? price > than : price < than;
}
