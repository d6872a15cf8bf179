using Exchange.Risk;

namespace Exchange.Matching;

/// <summary>
/// Every account's net position in one market (signed lots), counted by the book from its own trades, uncrosses and
/// liquidation transfers, and the market's open interest: the sum of the longs (which equals the sum of the shorts).
/// The book keeps it to hold the open-interest cap at the moment an order arrives; accounts keep their own positions,
/// this is the market's count of the same trades. Part of the book's state: captured in snapshots, covered by the
/// state hash, and reproduced by replay like everything else. An account whose position is 0 is not kept.
/// </summary>
public sealed class MarketPositions
{
    private readonly Dictionary<long, long> _sizes = [];

    public MarketPositions()
    {
    }

    public MarketPositions(IEnumerable<PositionEntry>? entries)
    {
        foreach (var e in entries ?? [])
        {
            if (e.AccountId <= 0 || e.Size == 0 || !_sizes.TryAdd(e.AccountId, e.Size))
                throw new ArgumentException($"position entry {e} is not a valid, distinct non-zero position", nameof(entries));
            if (e.Size > 0) OpenInterest = checked(OpenInterest + e.Size);
        }
    }

    /// <summary>The sum of all long positions, in lots.</summary>
    public long OpenInterest { get; private set; }

    /// <summary>How many accounts hold a position.</summary>
    public int Count => _sizes.Count;

    /// <summary>
    /// An order-independent digest of the positions, for the state hash: computed when asked (a pass over the positions),
    /// so that a trade pays for two dictionary updates and nothing more.
    /// </summary>
    public ulong Digest
    {
        get
        {
            ulong digest = 0;
            foreach (var (account, size) in _sizes) unchecked { digest += EntryHash(account, size); }
            return digest;
        }
    }

    public long Of(long accountId) => _sizes.GetValueOrDefault(accountId);

    /// <summary>The accounts holding a position that <paramref name="wanted"/> selects, in no particular order.</summary>
    public long[] Holders(Func<long, bool> wanted) => [.. _sizes.Keys.Where(wanted)];

    /// <summary>The positions in account id order (the snapshot's canonical order).</summary>
    public PositionEntry[] Entries() => [.. _sizes.OrderBy(p => p.Key).Select(p => new PositionEntry(p.Key, p.Value))];

    /// <summary>A trade of <paramref name="size"/> lots from <paramref name="sellerId"/> to <paramref name="buyerId"/>.</summary>
    public void Traded(long buyerId, long sellerId, long size)
    {
        if (buyerId == sellerId) return;
        Move(buyerId, size);
        Move(sellerId, -size);
    }

    /// <summary>
    /// Whether an order could take the market's open interest beyond <paramref name="limits"/>' market cap. Whatever it
    /// trades against, an order raises open interest by at most the part of it that opens a position for its own account
    /// (its size beyond the opposite position it closes: a maker that closes lowers the sum, one that opens only matches the
    /// taker's opening), so the check is exact as a bound and needs no walk of the book: the order is refused when open
    /// interest plus that part would pass the cap. An order that opens nothing is never refused, even above a lowered cap.
    /// </summary>
    public bool MarketCapExceeded(OpenInterestLimits? limits, long accountId, Side side, long size)
    {
        if (limits is not { MarketLots: > 0 } l) return false;
        var position = Of(accountId);
        var closes = side == Side.Buy ? Math.Max(0, -position) : Math.Max(0, position);
        var opens = Math.Max(0, size - closes);
        return opens > 0 && checked(OpenInterest + opens) > l.MarketLots;
    }

    private void Move(long accountId, long delta)
    {
        var before = Of(accountId);
        var after = checked(before + delta);
        OpenInterest = checked(OpenInterest - Math.Max(0, before) + Math.Max(0, after));
        if (after == 0) _sizes.Remove(accountId);
        else _sizes[accountId] = after;
    }

    private static ulong EntryHash(long accountId, long size)
    {
        var h = new Fnv64();
        h.Add(accountId);
        h.Add(size);
        return h.Value;
    }
}

/// <summary>One account's net position in a market (signed lots), as a snapshot holds it.</summary>
public readonly record struct PositionEntry(long AccountId, long Size);
