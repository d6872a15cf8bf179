using Exchange.Journal;

namespace Exchange.Markets;

/// <summary>What the writer needs from the market it writes for; called on the market's turn.</summary>
internal interface IJournaledMarket
{
    /// <summary>Closes a batch to new commands (reads its levels, takes its snapshot if one is due).</summary>
    void Cut(PendingBatch batch);

    /// <summary>
    /// Announces a committed batch (accounts, market data, its snapshot). <paramref name="reloaded"/>: the market was
    /// rebuilt from the journal after the batch committed, so its memory (recent events, trades) already holds it.
    /// </summary>
    void Publish(PendingBatch batch, bool reloaded);

    /// <summary>Rebuilds the in-memory market from the journal, after a failed write.</summary>
    Task Reload(CancellationToken cancellationToken);

    /// <summary>This activation can no longer be trusted: let a fresh one load the journal.</summary>
    void Deactivate();
}

/// <summary>
/// Group commit, fencing and the settling of a failed write, for one market. Commands join the open batch; the
/// writer takes it whenever no write is in flight, so commands arriving during a write form the next batch and one
/// round trip carries many commands. A write that fails or passes its deadline fails everything queued behind it
/// (never sent), then asks the journal whether the batch in flight committed, answers its commands Committed or
/// Failed accordingly and reloads the market, and only then serves again; if the journal cannot be asked, the batch
/// is Unknown and the activation goes. Until it serves again, new commands are refused definitely, flagged as for want
/// of the journal (<see cref="Refusal"/>). A fenced write (another activation moved the journal) is Failed and the
/// activation goes. Nothing that is not durable survives in memory, and nothing is answered Committed unless it is.
/// Single-threaded like the grain it serves: every call comes from the market's turn.
/// </summary>
internal sealed class JournalWriter(string market, IMarketJournal journal, TimeProvider clock, MarketOptions options,
    IJournaledMarket owner, Action<string, Exception?> log)
{
    private Task? _flushing;
    private Task? _recovering;
    private long _writeStarted; // the clock's timestamp when the write in flight began; 0 when none is
    private TimeSpan _lastWrite;

    /// <summary>
    /// How slow the journal is now, while a write is in flight: its age, or how long the previous write took if that
    /// was longer (a journal that was slow a moment ago is refused new risk at once). Zero while no write is in
    /// flight: an idle journal keeps up, whatever its last write took.
    /// </summary>
    public TimeSpan Latency => _writeStarted == 0 ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Max(_lastWrite.Ticks, clock.GetElapsedTime(_writeStarted).Ticks));

    /// <summary>How long the committed writes took.</summary>
    public JournalWriteTimes Times { get; } = new();

    /// <summary>The batch new commands join.</summary>
    public PendingBatch Open { get; private set; } = new();

    /// <summary>Why the market serves nothing but definite failures now (null: it serves).</summary>
    public string? Unavailable { get; private set; }

    // Whether Unavailable is the journal's absence (a failed write, a recovery, a load that failed) rather than fencing or a bug.
    private bool _journalUnreachable;

    /// <summary>
    /// What a command arriving while the market cannot serve is answered: definitely not applied (it never reaches the
    /// book), flagged when the journal is the reason. Unknown is only ever the answer of a batch that was in flight.
    /// </summary>
    public CommandOutcome Refusal() => CommandOutcome.Fail(Unavailable ?? "market not loaded", _journalUnreachable);

    /// <summary>Marks the market unusable for this activation (its journal could not be loaded, the engine threw).</summary>
    public void Refuse(string reason, bool journalUnreachable = false) =>
        (Unavailable, _journalUnreachable) = (reason, journalUnreachable);

    /// <summary>Waits until the batch the caller joined is settled, starting the writer if it is idle.</summary>
    public Task<CommandStatus> Committed(PendingBatch batch)
    {
        if (_flushing is null || _flushing.IsCompleted) _flushing = Flush();
        return batch.Done;
    }

    /// <summary>The write loop in progress, if any (a caller on the market's turn never needs it; tests on the thread pool do).</summary>
    internal Task Writing => _flushing ?? Task.CompletedTask;

    /// <summary>Queries that arrive during a recovery wait for it (it has its own deadline); commands are refused at once.</summary>
    public async Task RecoveryFinished()
    {
        while (_recovering is { IsCompleted: false } recovering) await recovering;
    }

    /// <summary>Settles the given batch and everything queued behind it, and stops serving.</summary>
    public void Abandon(PendingBatch batch, CommandStatus status, string error, bool journalUnreachable = false)
    {
        Refuse(error, journalUnreachable);
        batch.Complete(status, error, journalUnreachable);
        Open.Complete(CommandStatus.Failed, "not applied: " + error, journalUnreachable);
    }

    private async Task Flush()
    {
        while (Open.HasWork && Unavailable is null)
        {
            var batch = Open;
            Open = new PendingBatch();
            owner.Cut(batch);
            if (batch.HasEntries && !await Append(batch)) return;
            batch.Complete(CommandStatus.Committed);
            owner.Publish(batch, reloaded: false);
        }
    }

    /// <summary>Writes one batch. False when it failed; the batch and the queue behind it are then settled.</summary>
    private async Task<bool> Append(PendingBatch batch)
    {
        _writeStarted = clock.GetTimestamp();
        try
        {
            using var deadline = new CancellationTokenSource(options.AppendTimeout, clock);
            // The deadline holds even against a journal that ignores its token.
            await journal.Append(market, batch.ToJournalBatch(), deadline.Token).WaitAsync(options.AppendTimeout, clock);
            _lastWrite = clock.GetElapsedTime(_writeStarted);
            Times.Record(_lastWrite, batch.Entries.Count);
            return true;
        }
        catch (JournalFencedException ex)
        {
            _lastWrite = clock.GetElapsedTime(_writeStarted);
            log($"Journal append fenced for {market}: {ex.Message}", null);
            Abandon(batch, CommandStatus.Failed, "another activation of this market is writing its journal");
            owner.Deactivate();
            return false;
        }
        catch (Exception ex)
        {
            _lastWrite = clock.GetElapsedTime(_writeStarted);
            log($"Journal append failed for {market}; recovering", ex);
            await (_recovering = Recover(batch));
            return false;
        }
        finally
        {
            _writeStarted = 0;
        }
    }

    private async Task Recover(PendingBatch inFlight)
    {
        // From here until the journal answers, new commands are refused at once (the market grain asks Unavailable
        // before running one), so none of them can be in doubt.
        Refuse($"{market} is recovering from a journal failure", journalUnreachable: true);
        var queued = Open;
        Open = new PendingBatch();
        queued.Complete(CommandStatus.Failed, "not applied: an earlier journal write failed", journalUnavailable: true);
        try
        {
            using var deadline = new CancellationTokenSource(options.RecoveryTimeout, clock);
            var committed = await journal.ContainsBatch(market, inFlight.BatchId, deadline.Token);
            await owner.Reload(deadline.Token);
            (Unavailable, _journalUnreachable) = (null, false);
            inFlight.Complete(committed ? CommandStatus.Committed : CommandStatus.Failed,
                committed ? null : "not applied: the journal write failed", journalUnavailable: !committed);
            if (committed) owner.Publish(inFlight, reloaded: true);
        }
        catch (Exception ex)
        {
            log($"Recovery failed for {market}; deactivating", ex);
            Abandon(inFlight, CommandStatus.Unknown, "the journal cannot be reached to confirm the outcome", journalUnreachable: true);
            owner.Deactivate();
        }
    }
}
