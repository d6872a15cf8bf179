using Exchange.Journal;
using Exchange.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;

namespace Exchange.Markets;

/// <summary>
/// One market: validate, match, journal, reply. Commands run against the in-memory book as they arrive (the
/// grain is reentrant, and nothing awaits between reading the book and recording the events), then wait for
/// the batch they joined to be committed; while one batch is being written the next one fills up, so one
/// round trip to the database carries many commands. A failed write fails its batch and everything queued
/// behind it, and the book is reloaded from the journal before anything else is accepted: nothing that is
/// not durable survives in memory.
/// </summary>
[Reentrant]
public sealed partial class MarketGrain(
    IMarketJournal journal, TimeProvider clock, IOptions<MarketOptions> options, ILogger<MarketGrain> logger)
    : Grain, IMarketGrain
{
    private readonly MarketOptions _options = options.Value;
    private readonly EventBuffer _events = new();
    private readonly Queue<PublicTrade> _recentTrades = new();
    private readonly ObserverManager<IMarketDataObserver> _observers = new(TimeSpan.FromMinutes(5), logger);
    private FastOrderBook? _book;
    private AccountHeads _heads = new(0);
    private RecentAccountEvents _recent = new(0);
    private PendingBatch _pending = new();
    private Task? _flushing;
    private Task? _recovering;
    private string? _unavailable;
    private long _snapshotSequence;
    private DateTimeOffset _snapshotTime;

    private string Symbol => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.RecoveryTimeout);
            var spec = await journal.GetMarket(Symbol, deadline.Token);
            if (spec is null) { _unavailable = $"unknown market {Symbol}"; return; }
            await Reload(spec, deadline.Token);
        }
        catch (Exception ex) when (ex is not JournalReplayException)
        {
            // Serve definite failures until this activation goes; the next one tries the journal again.
            LogRecoveryFailed(ex, Symbol);
            _unavailable = $"{Symbol} cannot load its journal: {ex.Message}";
            DeactivateOnIdle();
        }
    }

    public async Task<CommandOutcome> Execute(MarketCommand command)
    {
        await RecoveryFinished();
        if (_unavailable is not null || _book is null) return CommandOutcome.Fail(_unavailable ?? "market not loaded");
        if (!MarketCommandRunner.IsWellFormed(command)) return CommandOutcome.Fail("malformed command");
        var batch = _pending;
        var previous = _heads.Previous(CommandingAccount(command));
        var events = Run(command, batch);
        return Outcome(await Committed(batch), batch, events, previous);
    }

    public async Task<CommandOutcome[]> ExecuteBatch(MarketCommand[] commands)
    {
        await RecoveryFinished();
        if (_unavailable is not null || _book is null) return [.. commands.Select(_ => CommandOutcome.Fail(_unavailable ?? "market not loaded"))];
        if (commands.Length == 0) return [];
        var batch = _pending;
        // A malformed command fails alone; the others run, in order, in the same batch.
        var runs = commands.Select(c => MarketCommandRunner.IsWellFormed(c)
            ? (Previous: _heads.Previous(CommandingAccount(c)), Events: Run(c, batch))
            : (Previous: AccountHeads.Unknown, Events: null)).ToArray();
        var status = await Committed(batch);
        return [.. runs.Select(r => r.Events is null ? CommandOutcome.Fail("malformed command")
            : Outcome(status, batch, r.Events, r.Previous))];
    }

    /// <summary>Runs one command on the book and records it in the open batch; synchronous by design.</summary>
    private MarketEvent[] Run(MarketCommand command, PendingBatch batch)
    {
        var book = _book!;
        if (command is UncrossCommand) batch.TouchLevels(AllLevels(book));
        _events.Clear();
        var timestamp = (clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        try
        {
            MarketCommandRunner.Run(book, command, timestamp, _events);
        }
        catch (Exception)
        {
            // The engine never throws on input it accepted; if it does, the book may be half-changed. Nothing
            // of it may become durable: fail everything not yet written and let a fresh activation reload.
            Abandon(batch, CommandStatus.Failed, "internal error in the matching engine; the market is reloading");
            DeactivateOnIdle();
            throw;
        }
        var events = _events.ToArray();
        batch.Record(command, timestamp, events, _heads, book);
        return events;
    }

    private CommandOutcome Outcome(CommandStatus status, PendingBatch batch, MarketEvent[] events, long accountPrevious) => status switch
    {
        CommandStatus.Committed => new CommandOutcome(status, events, AccountPrevious: accountPrevious, Mark: _mark.Report),
        CommandStatus.Unknown => new CommandOutcome(status, [], batch.Error ?? "outcome unknown", accountPrevious),
        _ => new CommandOutcome(CommandStatus.Failed, [], batch.Error ?? "not applied", accountPrevious),
    };

    /// <summary>Waits until the batch the caller joined is settled, starting the writer if it is idle.</summary>
    private Task<CommandStatus> Committed(PendingBatch batch)
    {
        if (_flushing is null || _flushing.IsCompleted) _flushing = Flush();
        return batch.Done;
    }

    private async Task Flush()
    {
        while (_pending.HasWork && _unavailable is null)
        {
            var batch = _pending;
            _pending = new PendingBatch();
            var snapshotDue = batch.HasEntries && SnapshotDue(batch.LastSequence);
            if (snapshotDue) (_snapshotSequence, _snapshotTime) = (batch.LastSequence, clock.GetUtcNow());
            batch.Cut(_book!, snapshotDue);
            if (batch.HasEntries && !await Append(batch)) return;
            batch.Complete(CommandStatus.Committed);
            Publish(batch);
        }
    }

    /// <summary>Writes one batch. False when it failed; the batch and the queue behind it are then settled.</summary>
    private async Task<bool> Append(PendingBatch batch)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_options.AppendTimeout);
            await journal.Append(Symbol, batch.ToJournalBatch(), deadline.Token);
            return true;
        }
        catch (JournalFencedException ex)
        {
            LogFenced(ex.Message);
            Abandon(batch, CommandStatus.Failed, "another activation of this market is writing its journal");
            DeactivateOnIdle();
            return false;
        }
        catch (Exception ex)
        {
            LogAppendFailed(ex, Symbol);
            await (_recovering = Recover(batch));
            return false;
        }
    }

    /// <summary>
    /// After a failed append: fail what was never sent, find out whether the batch in flight committed (waiting
    /// out any write still holding the journal), and reload the book from the journal.
    /// </summary>
    private async Task Recover(PendingBatch inFlight)
    {
        _unavailable = $"{Symbol} is recovering from a journal failure";
        var queued = _pending;
        _pending = new PendingBatch();
        queued.Complete(CommandStatus.Failed, "not applied: an earlier journal write failed");
        try
        {
            using var deadline = new CancellationTokenSource(_options.RecoveryTimeout);
            var committed = await journal.ContainsBatch(Symbol, inFlight.BatchId, deadline.Token);
            await Reload(_book!.Spec, deadline.Token);
            _unavailable = null;
            inFlight.Complete(committed ? CommandStatus.Committed : CommandStatus.Failed,
                committed ? null : "not applied: the journal write failed");
            if (committed) Publish(inFlight);
        }
        catch (Exception ex)
        {
            LogRecoveryFailed(ex, Symbol);
            Abandon(inFlight, CommandStatus.Unknown, "the journal cannot be reached to confirm the outcome");
            DeactivateOnIdle();
        }
    }

    /// <summary>Commands and queries that arrive during a recovery wait for it (it has its own deadline).</summary>
    private async Task RecoveryFinished()
    {
        while (_recovering is { IsCompleted: false } recovering) await recovering;
    }

    private void Abandon(PendingBatch batch, CommandStatus status, string error)
    {
        _unavailable = error;
        batch.Complete(status, error);
        _pending.Complete(CommandStatus.Failed, "not applied: " + error);
    }

    private async Task Reload(MarketSpec spec, CancellationToken cancellationToken)
    {
        var replayed = new List<MarketEvent[]>();
        _recentTrades.Clear();
        var recovered = await MarketRecovery.Load(journal, spec, cancellationToken, batch =>
        {
            foreach (var entry in batch.Entries)
            {
                replayed.Add(entry.Events);
                foreach (var e in entry.Events)
                    if (e.Kind == EventKind.TradeExecuted) RememberTrade(new PublicTrade(e.Sequence, e.Timestamp, e.Price, e.Size, e.Side));
            }
        });

        // The account events kept in memory (for catching up and for history) start where they would have had the
        // market never stopped: up to RecentEvents back, read again from the journal before the snapshot.
        var from = Math.Max(0, recovered.SnapshotSequence - _options.RecentEvents);
        var older = from < recovered.SnapshotSequence
            ? await MarketRecovery.EventsBetween(journal, spec.Symbol, from, recovered.SnapshotSequence, cancellationToken) : [];
        var heads = new AccountHeads(from);
        var recent = new RecentAccountEvents(_options.RecentEvents);
        recent.Reset(from);
        foreach (var events in older.Concat(replayed))
        {
            heads.Advance(events);
            recent.Add(events);
        }
        (_book, _recent, _heads) = (recovered.Book, recent, heads);
        heads.MarketWide(_book.Terms.MarketWideSequence);
        _mark = CommittedMark.Of(_book);
        _snapshotSequence = _book.Sequence;
        _snapshotTime = clock.GetUtcNow();
    }

    private bool SnapshotDue(long sequence) =>
        sequence - _snapshotSequence >= _options.SnapshotEveryEvents
        || (sequence > _snapshotSequence && clock.GetUtcNow() - _snapshotTime >= _options.SnapshotInterval);

    private async Task SaveSnapshotInBackground(CapturedBook captured)
    {
        try
        {
            // Hashing and encoding a large book takes long (about a second for a million orders): on the thread
            // pool, not on the grain's turn, so commands keep flowing meanwhile. The copy is immutable.
            var symbol = Symbol;
            await Task.Run(async () =>
            {
                using var deadline = new CancellationTokenSource(_options.RecoveryTimeout);
                await journal.SaveSnapshot(symbol, captured.ToStored(), deadline.Token);
            });
        }
        catch (Exception ex)
        {
            // A missing snapshot only makes the next recovery replay more; the journal is intact.
            LogSnapshotFailed(ex, Symbol);
        }
    }

    /// <summary>What a committed batch owes the world: its market data, and its snapshot if one was taken.</summary>
    private void Publish(PendingBatch batch)
    {
        if (batch.Snapshot is { } snapshot) _ = SaveSnapshotInBackground(snapshot);
        if (batch.HasEntries) Settle(batch);
        if (batch.Update is not { } update) return;
        foreach (var trade in update.Trades) RememberTrade(trade);
        if (_observers.Count > 0) _observers.Notify(o => o.OnMarketData(update));
    }

    /// <summary>Recent public trades: rebuilt on recovery from the journal tail replayed after the snapshot.</summary>
    private void RememberTrade(PublicTrade trade)
    {
        _recentTrades.Enqueue(trade);
        if (_recentTrades.Count > _options.RecentTrades) _recentTrades.Dequeue();
    }

    private static IEnumerable<LevelChange> AllLevels(FastOrderBook book)
    {
        foreach (var side in (Side[])[Side.Buy, Side.Sell])
        {
            var levels = new List<PriceLevel>();
            book.CopyDepth(side, int.MaxValue, levels);
            foreach (var level in levels) yield return new LevelChange(side, level.Price, level.Size);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal append fenced: {Reason}")]
    private partial void LogFenced(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal append failed for {Market}; recovering")]
    private partial void LogAppendFailed(Exception ex, string market);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery failed for {Market}; deactivating")]
    private partial void LogRecoveryFailed(Exception ex, string market);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot save failed for {Market}")]
    private partial void LogSnapshotFailed(Exception ex, string market);
}
