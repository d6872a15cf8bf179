using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// The latest committed events that concern accounts, kept so that an account catching up after a lost message
/// is answered without reading the database. A ring of structs rather than the journal batches themselves: the
/// cache lives long enough to reach the oldest GC generation, and one array of value types costs the collector
/// nothing to keep, where millions of small objects cost it long pauses.
/// <para>
/// Each held event is linked to the previous held event of each account it concerns (its own, and its counterparty's),
/// and the market-wide events to each other, so an account's catch-up walks back over its own events only: with 100,000
/// accounts liquidated at once, each asking after a cursor from before the crash, a scan of the ring per question would
/// hold the market's turn for minutes. Events are addressed by an ever-growing index; the ring's slot is that index
/// modulo its length.
/// </para>
/// </summary>
internal sealed class RecentAccountEvents(int capacity)
{
    private const long None = -1;
    private MarketEvent[] _ring = new MarketEvent[Math.Min(capacity, 1024)];
    private long[] _previousOfAccount = new long[Math.Min(capacity, 1024)];
    private long[] _previousOfCounterparty = new long[Math.Min(capacity, 1024)];
    private readonly Dictionary<long, long> _latest = [];
    private long _latestMarketWide = None;
    private long _next;
    private int _count;

    /// <summary>Every account event after this sequence is held.</summary>
    public long CompleteAfter { get; private set; } = long.MaxValue;

    /// <summary>The sequence of the newest event held (every account event up to it is committed); 0 when none is held.</summary>
    public long Newest => _count == 0 ? 0 : _ring[Slot(_next - 1)].Sequence;

    private long Oldest => _next - _count;

    /// <summary>Starts empty, holding (trivially) everything after <paramref name="sequence"/>.</summary>
    public void Reset(long sequence)
    {
        (_next, _count, _latestMarketWide) = (0, 0, None);
        _latest.Clear();
        CompleteAfter = sequence;
    }

    public void Add(ReadOnlySpan<MarketEvent> events)
    {
        if (capacity == 0) return;
        foreach (ref readonly var e in events)
        {
            var audience = EventKinds.AudienceOf(e.Kind);
            if (audience == EventAudience.None) continue;
            if (_count == _ring.Length && !Grow()) DropOldest();
            var at = _next++;
            var slot = Slot(at);
            _ring[slot] = e;
            _count++;
            if (audience == EventAudience.Market)
            {
                (_previousOfAccount[slot], _previousOfCounterparty[slot]) = (_latestMarketWide, None);
                _latestMarketWide = at;
                continue;
            }
            _previousOfAccount[slot] = Link(e.AccountId, at);
            var other = EventKinds.CounterpartyOf(e);
            _previousOfCounterparty[slot] = other != 0 && other != e.AccountId ? Link(other, at) : None;
        }
    }

    /// <summary>The account's events after a sequence, in order; null when some of them are no longer held.</summary>
    public MarketEvent[]? For(long accountId, long afterSequence)
    {
        if (capacity == 0 || afterSequence < CompleteAfter) return null;
        // Both chains run newest first: the account's own events and the market-wide ones, merged by sequence.
        var own = Walk(_latest.GetValueOrDefault(accountId, None), afterSequence, accountId);
        var wide = Walk(_latestMarketWide, afterSequence, accountId: null);
        var found = new MarketEvent[own.Count + wide.Count];
        int i = own.Count - 1, j = wide.Count - 1;
        for (var k = 0; k < found.Length; k++)
            found[k] = j < 0 || (i >= 0 && own[i].Sequence < wide[j].Sequence) ? own[i--] : wide[j--];
        return found;
    }

    /// <summary>All the account's events held (those after <see cref="CompleteAfter"/>), in order.</summary>
    public MarketEvent[] Held(long accountId) => For(accountId, CompleteAfter) ?? [];

    /// <summary>The chain from <paramref name="at"/> back to the cursor, newest first (<paramref name="accountId"/> null: the
    /// market-wide chain).</summary>
    private List<MarketEvent> Walk(long at, long afterSequence, long? accountId)
    {
        var found = new List<MarketEvent>();
        while (at >= Oldest) // None (-1) is below any index
        {
            var slot = Slot(at);
            ref readonly var e = ref _ring[slot];
            if (e.Sequence <= afterSequence) break;
            found.Add(e);
            at = accountId is null || e.AccountId == accountId ? _previousOfAccount[slot] : _previousOfCounterparty[slot];
        }
        return found;
    }

    /// <summary>Makes <paramref name="at"/> the account's latest event; returns its previous one.</summary>
    private long Link(long accountId, long at)
    {
        var previous = _latest.GetValueOrDefault(accountId, None);
        _latest[accountId] = at;
        return previous;
    }

    private void DropOldest()
    {
        var at = Oldest;
        ref var e = ref _ring[Slot(at)];
        CompleteAfter = e.Sequence;
        // An account whose latest held event this was has none held now.
        if (EventKinds.AudienceOf(e.Kind) == EventAudience.Parties)
        {
            if (_latest.GetValueOrDefault(e.AccountId, None) == at) _latest.Remove(e.AccountId);
            var other = EventKinds.CounterpartyOf(e);
            if (other != 0 && _latest.GetValueOrDefault(other, None) == at) _latest.Remove(other);
        }
        e = default;
        _count--;
    }

    private int Slot(long at) => (int)(at % _ring.Length);

    private bool Grow()
    {
        if (_ring.Length >= capacity) return false;
        var length = (int)Math.Min((long)_ring.Length * 2, capacity);
        var (ring, ofAccount, ofCounterparty) = (new MarketEvent[length], new long[length], new long[length]);
        for (var at = Oldest; at < _next; at++)
        {
            var (from, to) = (Slot(at), (int)(at % length));
            (ring[to], ofAccount[to], ofCounterparty[to]) = (_ring[from], _previousOfAccount[from], _previousOfCounterparty[from]);
        }
        (_ring, _previousOfAccount, _previousOfCounterparty) = (ring, ofAccount, ofCounterparty);
        return true;
    }
}
