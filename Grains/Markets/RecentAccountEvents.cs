using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// The latest committed events that concern accounts, kept so that an account catching up after a lost message
/// is answered without reading the database. A ring of structs rather than the journal batches themselves: the
/// cache lives long enough to reach the oldest GC generation, and one array of value types costs the collector
/// nothing to keep, where millions of small objects cost it long pauses.
/// </summary>
internal sealed class RecentAccountEvents(int capacity)
{
    private MarketEvent[] _ring = new MarketEvent[Math.Min(capacity, 1024)];
    private int _oldest;
    private int _count;

    /// <summary>Every account event after this sequence is held.</summary>
    public long CompleteAfter { get; private set; } = long.MaxValue;

    /// <summary>Starts empty, holding (trivially) everything after <paramref name="sequence"/>.</summary>
    public void Reset(long sequence)
    {
        (_oldest, _count) = (0, 0);
        CompleteAfter = sequence;
    }

    public void Add(ReadOnlySpan<MarketEvent> events)
    {
        if (capacity == 0) return;
        foreach (ref readonly var e in events)
        {
            if (!AccountHeads.ConcernsAccounts(e)) continue;
            if (_count == _ring.Length && !Grow())
            {
                CompleteAfter = _ring[_oldest].Sequence;
                _ring[_oldest] = default;
                _oldest = (_oldest + 1) % _ring.Length;
                _count--;
            }
            _ring[(_oldest + _count) % _ring.Length] = e;
            _count++;
        }
    }

    /// <summary>The account's events after a sequence, in order; null when some of them are no longer held.</summary>
    public MarketEvent[]? For(long accountId, long afterSequence)
    {
        if (capacity == 0 || afterSequence < CompleteAfter) return null;
        var found = new List<MarketEvent>();
        for (var i = FirstAfter(afterSequence); i < _count; i++)
        {
            ref readonly var e = ref _ring[(_oldest + i) % _ring.Length];
            if (AccountHeads.Concerns(accountId, e)) found.Add(e);
        }
        return [.. found];
    }

    /// <summary>All the account's events held (those after <see cref="CompleteAfter"/>), in order.</summary>
    public MarketEvent[] Held(long accountId) => For(accountId, CompleteAfter) ?? [];

    /// <summary>The position (from the oldest) of the first event after the sequence: events are held in sequence order.</summary>
    private int FirstAfter(long sequence)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_ring[(_oldest + middle) % _ring.Length].Sequence <= sequence) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private bool Grow()
    {
        if (_ring.Length >= capacity) return false;
        var larger = new MarketEvent[Math.Min((long)_ring.Length * 2, capacity)];
        for (var i = 0; i < _count; i++) larger[i] = _ring[(_oldest + i) % _ring.Length];
        (_ring, _oldest) = (larger, 0);
        return true;
    }
}
