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
/// the batch they joined to be committed by the <see cref="JournalWriter"/> (group commit, fencing, the
/// settling of a failed write); the grain loads, runs, and announces what committed.
/// </summary>
[Reentrant]
public sealed partial class MarketGrain : Grain, IMarketGrain, IJournaledMarket
{
    private readonly IMarketJournal _journal;
    private readonly TimeProvider _clock;
    private readonly MarketOptions _options;
    private readonly ILogger<MarketGrain> _logger;
    private readonly JournalWriter _writer;
    private readonly MarketSnapshots _snapshots;
    private readonly AccountNotifier _accounts;
    private readonly IndexWatch _index;
    private readonly RiskFeed _risk;
    private readonly JournalReads _journalReads;
    private readonly EventBuffer _events = new();
    private readonly ObserverManager<IMarketDataObserver> _observers;
    private FastOrderBook? _book;
    private AccountHeads _heads = new(0);
    private RecentAccountEvents _recent = new(0);
    private RecentTrades _trades = new(0);
    private RecentLiquidations _liquidations = new(1, completeAfter: 0);
    private CommittedMark _mark;

    public MarketGrain(IMarketJournal journal, TimeProvider clock, IOptions<MarketOptions> options, IOptions<Risk.RiskOptions> risk,
        ILogger<MarketGrain> logger)
    {
        (_journal, _clock, _options, _logger) = (journal, clock, options.Value, logger);
        _observers = new(TimeSpan.FromMinutes(5), logger);
        _writer = new JournalWriter(this.GetPrimaryKeyString(), journal, clock, _options, this, LogJournal);
        _snapshots = new MarketSnapshots(this.GetPrimaryKeyString(), journal, clock, _options, LogJournal);
        _accounts = new AccountNotifier(this.GetPrimaryKeyString(), GrainFactory, _options.NotifyAccounts);
        _index = new IndexWatch(clock, _options);
        _risk = new RiskFeed(this.GetPrimaryKeyString(), GrainFactory, risk.Value.Shards);
        _journalReads = new JournalReads(this.GetPrimaryKeyString(), _options.ConcurrentJournalReads);
    }

    private string Symbol => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.RecoveryTimeout);
            var spec = await _journal.GetMarket(Symbol, deadline.Token);
            if (spec is null) { _writer.Refuse($"unknown market {Symbol}"); return; }
            await Reload(spec, deadline.Token);
            await DistrustIndexOnStart();
            // Funding runs on its own durable schedule; asking on every activation makes sure one exists.
            _ = GrainFactory.GetGrain<Risk.IFundingGrain>(Symbol).Start();
            RemindBreakerOnStart();
        }
        catch (Exception ex) when (ex is not JournalReplayException)
        {
            // Serve definite failures until this activation goes; the next one tries the journal again. Not at once:
            // messages that reach an activation deactivating as it starts are forwarded, and after two forwards the
            // caller gets a rejection that tells it nothing, where a refusal from here says "not applied".
            LogJournal($"Recovery failed for {Symbol}; deactivating", ex);
            _writer.Refuse($"{Symbol} cannot load its journal: {ex.Message}", journalUnreachable: true);
            this.RegisterGrainTimer(_ => { DeactivateOnIdle(); return Task.CompletedTask; },
                new GrainTimerCreationOptions(_options.LoadRetryDelay, Timeout.InfiniteTimeSpan));
        }
    }

    public async Task<CommandOutcome> Execute(MarketCommand command)
    {
        if (Serving() is not { } book) return _writer.Refusal();
        if (!MarketCommandRunner.IsWellFormed(command)) return CommandOutcome.Fail("malformed command");
        if (MarketCommandRunner.AccountMovedSince(command, _heads) is { } moved) return CommandOutcome.Fail(moved);
        var batch = _writer.Open;
        var previous = _heads.Previous(MarketCommandRunner.AccountOf(command));
        if (LoadShedding.AddsRisk(book, command) && LoadShedding.Overloaded(_writer, _options))
            return LoadShedding.Refusal(book, command, Timestamp(), previous);
        var events = Run(book, command, batch);
        return Outcome(await _writer.Committed(batch), batch, events, previous);
    }

    public async Task<CommandOutcome[]> ExecuteBatch(MarketCommand[] commands)
    {
        if (Serving() is not { } book) return [.. commands.Select(_ => _writer.Refusal())];
        if (commands.Length == 0) return [];
        var batch = _writer.Open;
        var shedding = LoadShedding.Overloaded(_writer, _options);
        // Liquidation steps are checked against their accounts' cursors before any of the batch runs, so several steps of
        // one account decided at one cursor run together, and the same batch sent twice runs once.
        var moved = commands.Select(c => MarketCommandRunner.IsWellFormed(c) ? MarketCommandRunner.AccountMovedSince(c, _heads) : null).ToArray();
        // A malformed command fails alone, a step of a moved account is refused alone, and under overload one that adds
        // risk is refused alone; the others run, in order, in the same batch.
        var runs = commands.Select((c, i) => !MarketCommandRunner.IsWellFormed(c) ? (Previous: AccountHeads.Unknown, Events: null, Refused: null)
            : moved[i] is { } why ? (Previous: 0L, Events: null, Refused: CommandOutcome.Fail(why))
            : shedding && LoadShedding.AddsRisk(book, c)
                ? (Previous: 0L, Events: null, Refused: LoadShedding.Refusal(book, c, Timestamp(), _heads.Previous(MarketCommandRunner.AccountOf(c))))
            : (Previous: _heads.Previous(MarketCommandRunner.AccountOf(c)), Events: Run(book, c, batch), Refused: (CommandOutcome?)null)).ToArray();
        // Nothing ran (every command refused or malformed): there is no write to wait for.
        var status = runs.Any(r => r.Events is not null) ? await _writer.Committed(batch) : CommandStatus.Failed;
        return [.. runs.Select(r => r.Refused ?? (r.Events is null ? CommandOutcome.Fail("malformed command")
            : Outcome(status, batch, r.Events, r.Previous)))];
    }

    /// <summary>
    /// The book if a command may run now; null while the market cannot serve, recovering included: a command is then
    /// refused at once and definitely (it never joins a batch), rather than waiting for a journal that may be gone.
    /// </summary>
    private FastOrderBook? Serving() => _writer.Unavailable is null ? _book : null;

    /// <summary>The book for a query once any recovery has finished; null while the market cannot serve.</summary>
    private async Task<FastOrderBook?> Ready()
    {
        await _writer.RecoveryFinished();
        return _writer.Unavailable is null ? _book : null;
    }

    /// <summary>The book for a query, or the one way a market says it cannot answer now.</summary>
    private async Task<FastOrderBook> ReadyForQuery() =>
        await Ready() ?? throw new MarketUnavailableException(_writer.Unavailable ?? "market not loaded");

    /// <summary>Runs one command on the book and records it in the open batch; synchronous by design.</summary>
    private MarketEvent[] Run(FastOrderBook book, MarketCommand command, PendingBatch batch)
    {
        // An uncross (asked for, or by an index tick ending a reopening auction) may change every level.
        if (command is UncrossCommand or ReopenCommand || (command is ApplyIndexCommand && book.Mode == MarketMode.Auction)) batch.TouchLevels(MarketViews.AllLevels(book));
        _events.Clear();
        var timestamp = Timestamp();
        try
        {
            MarketCommandRunner.Run(book, command, timestamp, _events);
        }
        catch (Exception)
        {
            // The engine never throws on input it accepted; if it does, the book may be half-changed. Nothing
            // of it may become durable: fail everything not yet written and let a fresh activation reload.
            _writer.Abandon(batch, CommandStatus.Failed, "internal error in the matching engine; the market is reloading");
            DeactivateOnIdle();
            throw;
        }
        var events = _events.ToArray();
        batch.Record(command, timestamp, events, _heads, book);
        return events;
    }

    /// <summary>Now, in the journal's unit (microseconds since the epoch).</summary>
    private long Timestamp() => (_clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private CommandOutcome Outcome(CommandStatus status, PendingBatch batch, MarketEvent[] events, long accountPrevious) => status switch
    {
        CommandStatus.Committed => new CommandOutcome(status, events, AccountPrevious: accountPrevious, Mark: _mark.Report),
        CommandStatus.Unknown => new CommandOutcome(status, [], batch.Error ?? "outcome unknown", accountPrevious),
        _ => new CommandOutcome(CommandStatus.Failed, [], batch.Error ?? "not applied", accountPrevious, JournalUnavailable: batch.JournalUnavailable),
    };

    void IJournaledMarket.Cut(PendingBatch batch)
    {
        batch.Cut(_book!, _heads, batch.HasEntries && _snapshots.TakeIfDue(batch.LastSequence));
    }

    Task IJournaledMarket.Reload(CancellationToken cancellationToken) => Reload(_book!.Spec, cancellationToken);

    void IJournaledMarket.Deactivate() => DeactivateOnIdle();

    /// <summary>What a committed batch owes the world: its market data, its accounts' events, and its snapshot if one was taken.</summary>
    void IJournaledMarket.Publish(PendingBatch batch, bool reloaded)
    {
        if (batch.Snapshot is { } snapshot) _ = _snapshots.SaveInBackground(snapshot);
        // After a reload the batch is already in memory (recent events, trades, the mark): it is only announced.
        if (!reloaded) Remember(batch);
        if (batch.HasEntries) _accounts.Notify(batch, _mark.Report);
        _risk.Publish(_mark.Report, _book!.Terms.Risk, _book.Terms.Liquidation is { } rules ? _book.Positions.Of(rules.FundAccountId) : 0);
        if (batch.Trip is { } trip) TellBreaker(trip);
        if (batch.Update is { } update && _observers.Count > 0) _observers.Notify(o => o.OnMarketData(update));
    }

    private void Remember(PendingBatch batch)
    {
        _mark.Apply(batch.Entries);
        foreach (var entry in batch.Entries)
        {
            _recent.Add(entry.Events);
            _liquidations.Add(entry.Events, _mark.Report.Price);
        }
        foreach (var trade in batch.Update?.Trades ?? []) _trades.Add(trade);
    }

    private async Task Reload(MarketSpec spec, CancellationToken cancellationToken)
    {
        var reloaded = await MarketRecovery.Reload(_journal, spec, _options, cancellationToken);
        (_book, _recent, _heads, _trades, _liquidations, _mark) =
            (reloaded.Book, reloaded.Recent, reloaded.Heads, reloaded.Trades, reloaded.Liquidations, CommittedMark.Of(reloaded.Book));
        _snapshots.Reset(_book.Sequence);
    }

    private void LogJournal(string message, Exception? error)
    {
        if (error is null) LogWarning(message);
        else LogError(error, message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private partial void LogWarning(string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private partial void LogError(Exception ex, string message);
}
