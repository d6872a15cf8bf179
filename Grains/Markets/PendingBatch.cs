using Exchange.Breakers;
using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// The commands a market has run since the last batch was cut: what to journal, who waits for the commit, and
/// what the commit will publish. Commands that changed nothing (rejections, queries) still wait here, because
/// their answers were judged against state that is durable only when this batch is.
/// </summary>
internal sealed class PendingBatch
{
    private readonly List<JournalEntry> _entries = [];
    private readonly HashSet<(Side Side, long Price)> _touchedLevels = [];
    private readonly List<PublicTrade> _trades = [];
    private readonly Dictionary<long, (long Previous, List<MarketEvent> Events)> _accounts = [];
    private readonly TaskCompletionSource<CommandStatus> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;

    public Guid BatchId { get; } = Guid.NewGuid();
    public long FirstSequence { get; private set; }
    public long LastSequence { get; private set; }
    public bool HasWork => _entries.Count > 0 || _waiters > 0;

    /// <summary>How many commands and queries wait for this batch's commit.</summary>
    public int Waiting => _waiters;
    public bool HasEntries => _entries.Count > 0;
    public string? Error { get; private set; }

    /// <summary>Settled as not applied because the journal could not be reached (see <see cref="CommandOutcome.JournalUnavailable"/>).</summary>
    public bool JournalUnavailable { get; private set; }
    public IReadOnlyList<JournalEntry> Entries => _entries;

    /// <summary>Completes with the batch's fate: Committed, Failed or Unknown.</summary>
    public Task<CommandStatus> Done => _done.Task;

    /// <summary>What subscribers are told once the batch commits; read from the book when the batch is cut.</summary>
    public MarketDataUpdate? Update { get; private set; }

    /// <summary>The book as of <see cref="LastSequence"/>, when a snapshot was due at the cut.</summary>
    public CapturedBook? Snapshot { get; private set; }

    /// <summary>The circuit breaker's trip recorded in this batch, if any (its breaker is told once the batch commits).</summary>
    public BreakerTrip? Trip { get; private set; }

    public void AddWaiter() => _waiters++;

    /// <summary>Records a command and its events (the array is kept, not copied: events are immutable once run).</summary>
    /// <param name="book">The book after the command: a market-wide event is sent at once to every account with resting
    /// orders; every other account is told of it by its next message naming it as the predecessor.</param>
    public void Record(MarketCommand command, long timestamp, MarketEvent[] events, AccountHeads heads, FastOrderBook book)
    {
        _waiters++;
        if (!MarketCommandRunner.ChangesState(events)) return;
        _entries.Add(new JournalEntry(command, timestamp, events));
        PublicTrade.Collect(events, _trades);
        foreach (ref readonly var e in events.AsSpan())
        {
            switch (EventKinds.AudienceOf(e.Kind))
            {
                case EventAudience.Parties:
                    ForAccount(e.AccountId, heads.Touch(e.AccountId, e.Sequence), e);
                    if (EventKinds.CounterpartyOf(e) is var other && other != 0 && other != e.AccountId)
                        ForAccount(other, heads.Touch(other, e.Sequence), e);
                    break;
                case EventAudience.Market:
                    foreach (var accountId in book.AccountsWithOrders()) ForAccount(accountId, heads.Touch(accountId, e.Sequence), e);
                    heads.MarketWide(e);
                    break;
            }
        }
        foreach (ref readonly var e in events.AsSpan())
        {
            if (e.Kind == EventKind.OrderRejected) continue;
            if (FirstSequence == 0) FirstSequence = e.Sequence;
            LastSequence = e.Sequence;
            switch (e.Kind)
            {
                case EventKind.OrderAccepted or EventKind.OrderCancelled:
                    _touchedLevels.Add((e.Side, e.Price));
                    break;
                case EventKind.OrderAmended:
                    _touchedLevels.Add((e.Side, e.Price));
                    _touchedLevels.Add((e.Side, e.PreviousPrice));
                    break;
                case EventKind.TradeExecuted:
                    _touchedLevels.Add((e.Side.Opposite(), e.Price));
                    break;
                case EventKind.ModeChanged when e.Mode == MarketMode.Auction && e.Actor == ModeActor.Breaker:
                    Trip = new BreakerTrip(e.Sequence, e.Timestamp / 1_000, e.Reason, book.Terms.Breaker);
                    break;
            }
        }
    }

    private void ForAccount(long accountId, long previous, in MarketEvent e)
    {
        if (!_accounts.TryGetValue(accountId, out var group)) _accounts[accountId] = group = (previous, []);
        group.Events.Add(e);
    }

    /// <summary>Marks levels changed by something the events do not locate (an uncross fills makers away from the auction price).</summary>
    public void TouchLevels(IEnumerable<LevelChange> levels)
    {
        foreach (var level in levels) _touchedLevels.Add((level.Side, level.Price));
    }

    /// <summary>Each account's events in this batch, with the account's event they follow.</summary>
    public IEnumerable<(long AccountId, AccountEventsPart Part)> AccountEvents() =>
        _accounts.Select(a => (a.Key, new AccountEventsPart(a.Value.Previous, a.Value.Events.ToArray())));

    public JournalBatch ToJournalBatch() => new(BatchId, FirstSequence, LastSequence, _entries);

    /// <summary>
    /// Closes the batch to new commands. The book is then exactly at <see cref="LastSequence"/>, so this is the
    /// moment to read the levels the batch changed and, if due, the snapshot.
    /// </summary>
    public void Cut(FastOrderBook book, AccountHeads heads, bool snapshotDue)
    {
        if (!HasEntries) return;
        Update = new MarketDataUpdate(book.Spec.Symbol, FirstSequence, LastSequence,
            [.. _touchedLevels.Select(l => new LevelChange(l.Side, l.Price, book.LevelAt(l.Side, l.Price).Size))],
            [.. _trades], book.Mode);
        // Only the copy is taken here, on the grain's turn; hashing and storing it happen elsewhere.
        if (snapshotDue) Snapshot = new CapturedBook(book.Spec.Symbol, book.Capture(), book.ClientOrderIdsHash, heads.Capture());
    }

    public void Complete(CommandStatus status, string? error = null, bool journalUnavailable = false)
    {
        Error = error;
        JournalUnavailable = journalUnavailable && status == CommandStatus.Failed;
        _done.TrySetResult(status);
    }
}

/// <summary>A copy of the book and of the account heads taken at a batch's cut, to be hashed and stored off the grain's turn.</summary>
internal sealed record CapturedBook(string Symbol, BookSnapshot Book, ulong ClientOrderIdsHash, AccountHeadsState Heads)
{
    public StoredSnapshot ToStored() => new(Book.Sequence, BookStateHash.Compute(Symbol, Book, ClientOrderIdsHash), Book, Heads);
}
