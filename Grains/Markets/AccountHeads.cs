using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// For each account, the sequence of its latest event in this market, so that every batch of events sent to an
/// account names the event it follows and the account can tell a complete stream from a gap. Rebuilt from the
/// journal on recovery; an account whose latest event predates the snapshot recovery started from is not known,
/// and its next batch says so (-1), sending the account to fetch what it lacks.
/// </summary>
internal sealed class AccountHeads(long completeFrom)
{
    public const long Unknown = -1;

    private readonly Dictionary<long, long> _heads = [];

    /// <summary>Every account event after this sequence has been seen here.</summary>
    public long CompleteFrom { get; } = completeFrom;

    public long Previous(long accountId) =>
        _heads.TryGetValue(accountId, out var head) ? head : CompleteFrom == 0 ? 0 : Unknown;

    /// <summary>Whether the account may have events after <paramref name="sequence"/>.</summary>
    public bool MayHaveEventsAfter(long accountId, long sequence) =>
        _heads.TryGetValue(accountId, out var head) ? head > sequence : sequence < CompleteFrom;

    /// <summary>Advances the heads over a command's events (recovery: nobody is told).</summary>
    public void Advance(ReadOnlySpan<MarketEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            if (!ConcernsAccounts(e)) continue;
            Touch(e.AccountId, e.Sequence);
            if (e.Kind == EventKind.TradeExecuted && e.MakerAccountId != e.AccountId) Touch(e.MakerAccountId, e.Sequence);
        }
    }

    /// <summary>Makes <paramref name="sequence"/> the account's latest event; returns the one it follows.</summary>
    public long Touch(long accountId, long sequence)
    {
        var previous = Previous(accountId);
        _heads[accountId] = sequence;
        return previous;
    }

    /// <summary>Whether an event belongs to some account's stream (rejections are answered, never journaled for accounts).</summary>
    public static bool ConcernsAccounts(in MarketEvent e) =>
        e.Kind is not (EventKind.OrderRejected or EventKind.ModeChanged or EventKind.AuctionUncrossed);

    /// <summary>Whether an event belongs to this account's stream: its own order's, or a trade against its resting order.</summary>
    public static bool Concerns(long accountId, in MarketEvent e) =>
        ConcernsAccounts(e) && (e.AccountId == accountId || (e.Kind == EventKind.TradeExecuted && e.MakerAccountId == accountId));

    /// <summary>The events of one account among a batch's entries, in order.</summary>
    public static IEnumerable<MarketEvent> For(long accountId, IEnumerable<Journal.JournalEntry> entries) =>
        entries.SelectMany(entry => entry.Events).Where(e => Concerns(accountId, e));
}
