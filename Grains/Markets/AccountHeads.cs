using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// For each account, the sequence of the latest event of its stream in this market, so that every batch of events
/// sent to an account names the event it follows and the account can tell a complete stream from a gap. An
/// account's stream is its own events plus every market-wide event (a mode or risk change, see
/// <see cref="EventKinds"/>): the latest market-wide event is everybody's predecessor, so an account that was not
/// sent one finds the gap at its next message and fetches it, in sequence, before anything later. Rebuilt from
/// the journal on recovery; an account whose latest event predates the point recovery started from is not known,
/// and its next batch says so (-1), sending the account to fetch what it lacks.
/// </summary>
internal sealed class AccountHeads(long completeFrom)
{
    public const long Unknown = -1;

    /// <summary>How many market-wide events are kept (they are rare: mode, risk, funding, open-interest changes).</summary>
    public const int MarketWideKept = 65_536;

    private readonly Dictionary<long, long> _heads = [];
    private readonly List<MarketEvent> _marketWide = [];
    private long _marketWideCompleteAfter = completeFrom;

    /// <summary>Every account event after this sequence has been seen here.</summary>
    public long CompleteFrom { get; } = completeFrom;

    /// <summary>The sequence of the latest market-wide event seen here (0: none since <see cref="CompleteFrom"/>).</summary>
    public long LastMarketWide { get; private set; }

    public long Previous(long accountId) =>
        _heads.TryGetValue(accountId, out var head) ? Math.Max(head, LastMarketWide)
        : CompleteFrom == 0 ? LastMarketWide : Unknown;

    /// <summary>Whether the account has had an event of its own here since <see cref="CompleteFrom"/>.</summary>
    public bool Knows(long accountId) => _heads.ContainsKey(accountId);

    /// <summary>
    /// The sequence of the latest market-wide event that changed what accounts hold or owe (funding, a risk change; not a
    /// mode change, which changes no account). Before what this structure saw, every market-wide event counts.
    /// </summary>
    public long LastAccountChanging { get; private set; }

    /// <summary>Whether the account may have events after <paramref name="sequence"/>.</summary>
    public bool MayHaveEventsAfter(long accountId, long sequence) =>
        LastMarketWide > sequence || OwnAfter(accountId, sequence);

    /// <summary>
    /// Whether the account's state may have changed after <paramref name="sequence"/>, so a step decided at that cursor must
    /// be decided again: an event of its own, or a market-wide event that changed accounts. A mode change alone does not
    /// count (the book applies the mode to the step itself): in a crash the breaker and the oracle switch modes many times,
    /// and counting them refused every liquidation step decided before each switch.
    /// </summary>
    public bool MayHaveMovedAfter(long accountId, long sequence) =>
        LastAccountChanging > sequence || OwnAfter(accountId, sequence);

    private bool OwnAfter(long accountId, long sequence) =>
        _heads.TryGetValue(accountId, out var head) ? head > sequence : sequence < CompleteFrom;

    /// <summary>Advances the heads over a command's events (recovery: nobody is told).</summary>
    public void Advance(ReadOnlySpan<MarketEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            switch (EventKinds.AudienceOf(e.Kind))
            {
                case EventAudience.Parties:
                    Touch(e.AccountId, e.Sequence);
                    if (EventKinds.CounterpartyOf(e) is var other && other != 0 && other != e.AccountId) Touch(other, e.Sequence);
                    break;
                case EventAudience.Market:
                    MarketWide(e);
                    break;
            }
        }
    }

    /// <summary>Makes <paramref name="sequence"/> the account's latest event; returns the one it follows.</summary>
    public long Touch(long accountId, long sequence)
    {
        var previous = Previous(accountId);
        _heads[accountId] = sequence;
        return previous;
    }

    /// <summary>
    /// A copy for a snapshot, taken on the market's turn at a batch's cut (so it matches the book's copy). The accounts are
    /// copied as they lie; <see cref="AccountHeadsState"/> wants them ascending, which the encoder sorts off the turn.
    /// </summary>
    public AccountHeadsState Capture()
    {
        var accounts = new long[_heads.Count];
        var heads = new long[_heads.Count];
        var i = 0;
        foreach (var (account, head) in _heads) (accounts[i], heads[i++]) = (account, head);
        return new AccountHeadsState(CompleteFrom, accounts, heads, LastMarketWide, LastAccountChanging, _marketWideCompleteAfter, [.. _marketWide]);
    }

    /// <summary>The heads as a snapshot kept them; the events after the snapshot are then <see cref="Advance"/>d over.</summary>
    public static AccountHeads Restore(AccountHeadsState state)
    {
        var restored = new AccountHeads(state.CompleteFrom)
        {
            LastMarketWide = state.LastMarketWide,
            LastAccountChanging = state.LastAccountChanging,
            _marketWideCompleteAfter = state.MarketWideCompleteAfter,
        };
        restored._heads.EnsureCapacity(state.Accounts.Length);
        for (var i = 0; i < state.Accounts.Length; i++) restored._heads[state.Accounts[i]] = state.Heads[i];
        restored._marketWide.AddRange(state.MarketWide);
        return restored;
    }

    /// <summary>Records a market-wide event: from now on it precedes every account's next event.</summary>
    public void MarketWide(in MarketEvent e)
    {
        LastMarketWide = Math.Max(LastMarketWide, e.Sequence);
        if (EventKinds.ChangesAccounts(e.Kind)) LastAccountChanging = Math.Max(LastAccountChanging, e.Sequence);
        _marketWide.Add(e);
        if (_marketWide.Count <= MarketWideKept) return;
        var drop = _marketWide.Count - MarketWideKept * 3 / 4;
        _marketWideCompleteAfter = _marketWide[drop - 1].Sequence;
        _marketWide.RemoveRange(0, drop);
    }

    /// <summary>A market-wide event older than this structure (recovery found it in the book's terms, before its start).</summary>
    public void MarketWideBefore(long sequence)
    {
        LastMarketWide = Math.Max(LastMarketWide, sequence);
        // Its kind is not known here: it counts as one that changed accounts (a step may be refused, never wrongly run).
        LastAccountChanging = Math.Max(LastAccountChanging, sequence);
    }

    /// <summary>
    /// Everything the account's stream holds after <paramref name="afterSequence"/> when it has no event of its own there
    /// (a new account joining, an idle one reconciling): the market-wide events, from memory. Null when it may have
    /// events of its own there, or memory no longer holds every market-wide event after that point. Without this, a
    /// new account joining a market with more events than memory keeps read the whole journal on the market's turn
    /// for the few market-wide events in it (the 100,000-account crash stalled its set-up on exactly that).
    /// </summary>
    public MarketEvent[]? MarketWideOnly(long accountId, long afterSequence)
    {
        var ownAfter = _heads.TryGetValue(accountId, out var head) ? head > afterSequence : afterSequence < CompleteFrom;
        if (ownAfter || afterSequence < _marketWideCompleteAfter) return null;
        var first = _marketWide.FindIndex(e => e.Sequence > afterSequence);
        return first < 0 ? [] : [.. _marketWide.Skip(first)];
    }

    /// <summary>Whether an event belongs to some account's stream (rejections are answered, never journaled for accounts).</summary>
    public static bool ConcernsAccounts(in MarketEvent e) => EventKinds.AudienceOf(e.Kind) != EventAudience.None;

    /// <summary>Whether an event belongs to this account's stream: its own order's, a trade against its resting order, or market-wide.</summary>
    public static bool Concerns(long accountId, in MarketEvent e) => EventKinds.Concerns(accountId, e);

    /// <summary>The events of one account among a batch's entries, in order.</summary>
    public static IEnumerable<MarketEvent> For(long accountId, IEnumerable<Journal.JournalEntry> entries) =>
        entries.SelectMany(entry => entry.Events).Where(e => Concerns(accountId, e));
}
