using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Markets;

/// <summary>
/// The market's writer on its own, with no cluster and no database: the in-memory journal behind a layer that
/// fails appends as told, and a fake clock for deadlines. Group commit, a failed write, a lost reply, a write past
/// its deadline, fencing, and a journal that cannot be asked: each settles every command exactly as the market
/// promises its callers (Committed only if durable, Failed only if never durable, Unknown otherwise).
/// </summary>
public sealed class JournalWriterTests
{
    private const string Symbol = "WRITE-PERP";
    private static readonly MarketOptions Options = new() { AppendTimeout = TimeSpan.FromSeconds(5), RecoveryTimeout = TimeSpan.FromSeconds(20) };

    private readonly FakeTimeProvider _clock = new();
    private readonly ScriptedJournal _journal = new();
    private readonly Owner _owner = new();
    private readonly FastOrderBook _book = new(MarketTestData.Spec(Symbol));
    private readonly AccountHeads _heads = new(0);
    private readonly EventBuffer _events = new();
    private readonly JournalWriter _writer;
    private int _price = 1_000;

    public JournalWriterTests()
    {
        _journal.Inner.CreateMarket(MarketTestData.Spec(Symbol), CancellationToken.None).GetAwaiter().GetResult();
        _writer = new JournalWriter(Symbol, _journal, _clock, Options, _owner, (_, _) => { });
    }

    /// <summary>
    /// A command's outcome once the write loop has finished too: the writer is single-threaded like the grain's turn,
    /// while this test's continuations run on the thread pool, so what the loop does after completing a batch
    /// (announcing it, deactivating) is only certain once the loop is done.
    /// </summary>
    private async Task<CommandStatus> Settled(Task<CommandStatus> outcome)
    {
        var status = await outcome;
        await _writer.Writing;
        return status;
    }

    /// <summary>Runs a resting buy on the book and records it in the open batch, as the market grain does.</summary>
    private PendingBatch Record()
    {
        var batch = _writer.Open;
        _events.Clear();
        var command = new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, _price--, 1));
        MarketCommandRunner.Run(_book, command, 0, _events);
        batch.Record(command, 0, _events.ToArray(), _heads, _book);
        return batch;
    }

    [Fact]
    public async Task Commands_that_arrive_during_a_write_form_the_next_batch()
    {
        var gate = _journal.Next(Write.Gated);
        var first = Record();
        var firstDone = _writer.Committed(first);
        var second = Record();
        var third = Record();
        var laterDone = _writer.Committed(third);
        Assert.Same(second, third); // one open batch while the first is in flight

        gate.SetResult();
        Assert.Equal(CommandStatus.Committed, await firstDone);
        Assert.Equal(CommandStatus.Committed, await Settled(laterDone));
        Assert.Equal([1, 2], _journal.AppendedEntryCounts);
        Assert.Equal([(first, false), (second, false)], _owner.Published);
        Assert.Equal(0, _owner.Reloads);
    }

    [Fact]
    public async Task Latency_is_the_age_of_the_write_in_flight_and_nothing_when_idle()
    {
        Assert.Equal(TimeSpan.Zero, _writer.Latency);
        var gate = _journal.Next(Write.Gated);
        var first = _writer.Committed(Record());
        _clock.Advance(TimeSpan.FromMilliseconds(1_500));
        Assert.Equal(TimeSpan.FromMilliseconds(1_500), _writer.Latency);
        var second = Record();
        Assert.Equal(1, _writer.Open.Waiting);

        var secondGate = _journal.Next(Write.Gated);
        gate.SetResult();
        await first;
        secondGate.SetResult();
        Assert.Equal(CommandStatus.Committed, await Settled(_writer.Committed(second)));
        Assert.Equal(TimeSpan.Zero, _writer.Latency);
    }

    [Fact]
    public async Task A_failed_write_fails_its_batch_and_the_queue_behind_it_then_serves_again()
    {
        var gate = _journal.Next(Write.GatedThenFail);
        var inFlight = Record();
        var inFlightDone = _writer.Committed(inFlight);
        var queued = Record();
        var queuedDone = _writer.Committed(queued);
        gate.SetResult();

        Assert.Equal(CommandStatus.Failed, await inFlightDone);
        Assert.Equal(CommandStatus.Failed, await Settled(queuedDone));
        Assert.Contains("earlier journal write failed", queued.Error, StringComparison.Ordinal);
        Assert.Equal(1, _owner.Reloads);
        Assert.Empty(_owner.Published);
        Assert.Null(_writer.Unavailable);

        // The market serves again: what joins next is settled, not refused.
        var after = _writer.Open;
        after.AddWaiter();
        Assert.Equal(CommandStatus.Committed, await _writer.Committed(after));
    }

    [Fact]
    public async Task A_write_whose_reply_is_lost_is_found_committed_and_announced_once()
    {
        _journal.Next(Write.StoreThenFail);
        var batch = Record();

        Assert.Equal(CommandStatus.Committed, await Settled(_writer.Committed(batch)));
        Assert.True(await _journal.Inner.ContainsBatch(Symbol, batch.BatchId, CancellationToken.None));
        Assert.Equal(1, _owner.Reloads);
        // Announced, but marked as already in the reloaded memory, so nothing is recorded twice.
        Assert.Equal([(batch, true)], _owner.Published);
    }

    [Fact]
    public async Task A_write_that_passes_its_deadline_is_settled_by_asking_the_journal()
    {
        _journal.Next(Write.HangUntilCancelled);
        var batch = Record();
        var done = _writer.Committed(batch);
        await _journal.AppendStarted.Task;
        Assert.False(done.IsCompleted);

        _clock.Advance(Options.AppendTimeout);
        Assert.Equal(CommandStatus.Failed, await Settled(done));
        Assert.Equal("not applied: the journal write failed", batch.Error);
        Assert.Equal(1, _owner.Reloads);
    }

    [Fact]
    public async Task A_fenced_write_fails_and_the_activation_goes()
    {
        _journal.Next(Write.Fenced);
        var batch = Record();
        Assert.Equal(CommandStatus.Failed, await Settled(_writer.Committed(batch)));
        Assert.Equal(1, _owner.Deactivations);
        Assert.NotNull(_writer.Unavailable);
        Assert.Equal(0, _owner.Reloads);

        var refused = _writer.Open; // anything still joining is refused definitely
        refused.AddWaiter();
        Assert.Equal(CommandStatus.Failed, await refused.Done);
    }

    [Fact]
    public async Task When_the_journal_cannot_be_asked_the_outcome_is_unknown_and_the_activation_goes()
    {
        _journal.Next(Write.Fail);
        _journal.ContainsFails = true;
        var batch = Record();
        Assert.Equal(CommandStatus.Unknown, await Settled(_writer.Committed(batch)));
        Assert.Equal(1, _owner.Deactivations);
        Assert.NotNull(_writer.Unavailable);
        Assert.Empty(_owner.Published);
    }

    [Fact]
    public async Task While_recovering_a_new_command_is_refused_definitely_for_want_of_the_journal()
    {
        _journal.Next(Write.Fail);
        var answer = _journal.GateContains();
        var inFlight = Record();
        var done = _writer.Committed(inFlight);
        await _journal.ContainsStarted.Task;

        // The market knows its journal failed: what arrives now never runs, and says why.
        var refusal = _writer.Refusal();
        Assert.Equal(CommandStatus.Failed, refusal.Status);
        Assert.True(refusal.JournalUnavailable);
        Assert.False(done.IsCompleted); // the batch in flight waits for the journal's answer

        answer.SetResult(); // the journal answers: the batch is not there
        Assert.Equal(CommandStatus.Failed, await Settled(done));
        Assert.True(inFlight.JournalUnavailable);
        Assert.Null(_writer.Unavailable);
    }

    [Fact]
    public async Task When_the_journal_is_gone_only_the_batch_in_flight_is_unknown()
    {
        var gate = _journal.Next(Write.GatedThenFail);
        _journal.ContainsFails = true;
        var inFlight = Record();
        var inFlightDone = _writer.Committed(inFlight);
        var queued = Record();
        var queuedDone = _writer.Committed(queued);
        gate.SetResult();

        Assert.Equal(CommandStatus.Unknown, await inFlightDone);
        Assert.False(inFlight.JournalUnavailable);
        Assert.Equal(CommandStatus.Failed, await Settled(queuedDone));
        Assert.True(queued.JournalUnavailable); // never sent: definite
        Assert.Equal(1, _owner.Deactivations);
        Assert.Equal((CommandStatus.Failed, true), (_writer.Refusal().Status, _writer.Refusal().JournalUnavailable));

        var later = _writer.Open; // anything that joined before the activation went is refused the same way
        later.AddWaiter();
        Assert.Equal(CommandStatus.Failed, await later.Done);
        Assert.True(later.JournalUnavailable);
    }

    [Fact]
    public async Task A_fenced_market_refuses_definitely_but_not_for_want_of_the_journal()
    {
        _journal.Next(Write.Fenced);
        Assert.Equal(CommandStatus.Failed, await Settled(_writer.Committed(Record())));
        Assert.Equal((CommandStatus.Failed, false), (_writer.Refusal().Status, _writer.Refusal().JournalUnavailable));
    }

    private enum Write { Pass, Gated, GatedThenFail, Fail, StoreThenFail, HangUntilCancelled, Fenced }

    /// <summary>The in-memory journal, with each append behaving as scripted.</summary>
    private sealed class ScriptedJournal : IMarketJournal
    {
        private readonly Queue<(Write How, TaskCompletionSource Gate)> _script = new();

        public InMemoryMarketJournal Inner { get; } = new();
        public bool ContainsFails { get; set; }
        public List<int> AppendedEntryCounts { get; } = [];
        public TaskCompletionSource AppendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Next(Write how)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _script.Enqueue((how, gate));
            return gate;
        }

        public async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
        {
            var (how, gate) = _script.Count > 0 ? _script.Dequeue() : (Write.Pass, new TaskCompletionSource());
            AppendStarted.TrySetResult();
            switch (how)
            {
                case Write.Gated:
                    await gate.Task;
                    break;
                case Write.GatedThenFail:
                    await gate.Task;
                    throw new IOException("injected: the write failed");
                case Write.Fail:
                    throw new IOException("injected: the write failed");
                case Write.HangUntilCancelled:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case Write.Fenced:
                    throw new JournalFencedException("injected: another writer moved the journal");
            }
            await Inner.Append(market, batch, cancellationToken);
            AppendedEntryCounts.Add(batch.Entries.Count);
            if (how == Write.StoreThenFail) throw new IOException("injected: the reply was lost after the commit");
        }

        public TaskCompletionSource ContainsStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _containsGate;

        /// <summary>The next question whether a batch committed waits until the returned gate opens.</summary>
        public TaskCompletionSource GateContains() => _containsGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken)
        {
            ContainsStarted.TrySetResult();
            if (_containsGate is { } gate) await gate.Task;
            if (ContainsFails) throw new IOException("injected: the journal cannot be reached");
            return await Inner.ContainsBatch(market, batchId, cancellationToken);
        }

        public Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken) => Inner.CreateMarket(spec, cancellationToken);
        public Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken) => Inner.ListMarkets(cancellationToken);
        public Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken) => Inner.GetMarket(symbol, cancellationToken);
        public IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken) =>
            Inner.ReadAfter(market, afterSequence, cancellationToken);
        public Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) =>
            Inner.SaveSnapshot(market, snapshot, cancellationToken);
        public Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) => Inner.LatestSnapshot(market, cancellationToken);
    }

    /// <summary>Records what the writer asked of the market.</summary>
    private sealed class Owner : IJournaledMarket
    {
        public List<(PendingBatch Batch, bool Reloaded)> Published { get; } = [];
        public int Reloads { get; private set; }
        public int Deactivations { get; private set; }

        public void Cut(PendingBatch batch) { }

        public void Publish(PendingBatch batch, bool reloaded) => Published.Add((batch, reloaded));

        public Task Reload(CancellationToken cancellationToken)
        {
            Reloads++;
            return Task.CompletedTask;
        }

        public void Deactivate() => Deactivations++;
    }
}
