namespace Exchange.Matching;

/// <summary>One remembered trade price and the latest time (event timestamp, microseconds) it traded at.</summary>
[GenerateSerializer, Immutable, Alias("RecentTrade")]
public readonly record struct RecentTrade(long Timestamp, long Price);

/// <summary>
/// The recent trades the velocity rule measures against: a ring of the last <see cref="Capacity"/> price runs, each
/// the price and the latest time it traded (a trade at the newest entry's price only moves that entry's time, so a
/// burst at one price takes one slot). Fixed arrays: recording allocates nothing. Part of the book's state (hash,
/// snapshot); it holds entries only while the velocity rule is on. Both books use this one implementation, as they
/// do <see cref="ClientOrderIds"/>; the test ledger models it independently.
/// </summary>
internal sealed class TradeWindow
{
    public const int Capacity = 32;

    private readonly long[] _times = new long[Capacity];
    private readonly long[] _prices = new long[Capacity];
    private int _newest = Capacity - 1;
    private int _count;

    public int Count => _count;

    public void Clear() => (_count, _newest) = (0, Capacity - 1);

    public void Record(long timestamp, long price)
    {
        if (_count > 0 && _prices[_newest] == price)
        {
            _times[_newest] = timestamp;
            return;
        }
        _newest = _newest == Capacity - 1 ? 0 : _newest + 1;
        (_times[_newest], _prices[_newest]) = (timestamp, price);
        if (_count < Capacity) _count++;
    }

    /// <summary>The lowest and highest price remembered at or after <paramref name="since"/>; false if none.</summary>
    public bool TryRange(long since, out long low, out long high)
    {
        (low, high) = (long.MaxValue, long.MinValue);
        for (int n = 0, i = _newest; n < _count; n++, i = i == 0 ? Capacity - 1 : i - 1)
        {
            if (_times[i] < since) continue;
            low = Math.Min(low, _prices[i]);
            high = Math.Max(high, _prices[i]);
        }
        return low <= high;
    }

    /// <summary>Oldest first.</summary>
    public RecentTrade[] Entries()
    {
        var entries = new RecentTrade[_count];
        for (var n = 0; n < _count; n++)
        {
            var i = (_newest - _count + 1 + n + Capacity) % Capacity;
            entries[n] = new RecentTrade(_times[i], _prices[i]);
        }
        return entries;
    }

    public void Restore(RecentTrade[]? entries)
    {
        Clear();
        if (entries is null) return;
        if (entries.Length > Capacity) throw new ArgumentException($"at most {Capacity} recent trades", nameof(entries));
        foreach (var e in entries)
        {
            _newest = _newest == Capacity - 1 ? 0 : _newest + 1;
            (_times[_newest], _prices[_newest]) = (e.Timestamp, e.Price);
            _count++;
        }
    }
}
