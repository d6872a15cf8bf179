using System.Diagnostics;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.W1;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Exchange.Benchmarks.Market;

internal sealed record MarketBenchOptions(
    string Journal, string? Postgres, int[] Callers, int Orders, int[] Rates, int MaxSeconds, int WarmupOrders, ulong Seed,
    bool NotifyAccounts, IReadOnlyList<string> Settings, int IndexRate = 0);

/// <summary>
/// W1 through one durable market grain: every message is one <see cref="IMarketGrain.Execute"/> call that returns
/// only once its journal batch is committed (group commit). Closed loop: C callers take messages in W1 order from
/// a shared index, each awaiting its acknowledgement before taking the next. Open loop (--rate): messages are
/// sent on a fixed schedule whatever the acknowledgements do, and latency runs from the scheduled send time, so
/// a stall is charged to every message that should have been sent during it.
/// </summary>
internal static class MarketBenchmark
{
    private const int PrefillChunk = 1000;

    private sealed record RunResult(
        string Label, int Sent, int Completed, double Seconds, long[] Latencies, long[]? SendLag, int Failed,
        int PlaceRejected, int CancelRejected, W1Digest Digest, JournalStats Journal, ProcessStats Process);

    private sealed record JournalStats(
        int Batches, int Entries, long Events, int P50Entries, int MaxEntries,
        long AppendP50, long AppendP99, long AppendMax, double BusyFraction,
        long Rows, long PayloadBytes, long StoredBytes);

    public static async Task<int> RunAsync(MarketBenchOptions o)
    {
        var ci = Measure.Ci;
        Measure.PrintMachine();
        var sw = Stopwatch.StartNew();
        var data = W1Workload.Generate(W1Workload.CreateBook("fast"), o.Seed, o.Orders);
        Console.WriteLine($"workload: W1 seed={o.Seed}, prefill {W1Workload.PrefillCount} (untimed, ExecuteBatch x{PrefillChunk}), "
            + $"timed {o.Orders} messages ({data.NewOrders} new, {data.Cancels} cancels), generated in {sw.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"generation digest (one thread, no grain): {data.Digest}");

        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var db = await JournalDatabase.OpenAsync(o.Journal, o.Postgres, setup.Token);
        Console.WriteLine($"journal: {db.Description}");
        // Market only, unless asked: with NotifyAccounts every commit also sends each account it touched its events
        // (one-way calls to up to a thousand W1 account grains), which is the accounts' cost, not the market's.
        var host = await BenchSilo.StartAsync(db, m => m.NotifyAccounts = o.NotifyAccounts, timeAppends: true, o.Settings, setup.Token);
        var failed = false;
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var journal = (TimingJournal)host.Services.GetRequiredService<IMarketJournal>();
            using var gc = new GcPauseListener();
            var ctx = new RunContext(client, journal, db.ConnectionString, db.PostmasterPid, data, gc, o.IndexRate);
            if (o.IndexRate > 0)
                Console.WriteLine($"each market follows an index and takes {o.IndexRate} index readings/s during every run (journaled commands)");
            Console.WriteLine("one silo, co-hosted client (in-process calls), one market grain per run, fresh market per run; "
                + "the journal's appends are timed by a wrapper");
            Console.WriteLine();

            var warmup = Math.Min(o.WarmupOrders, data.Timed.Length);
            if (warmup > 0)
            {
                var w = await ClosedLoop(ctx, "warmup", callers: 64, warmup, o.MaxSeconds);
                Console.WriteLine(string.Create(ci, $"warm-up: 64 callers, {w.Completed} messages, {w.Completed / w.Seconds:F0} msgs/s (not reported)"));
            }

            var results = new List<RunResult>();
            foreach (var c in o.Callers)
            {
                var r = await ClosedLoop(ctx, $"{c} caller{(c == 1 ? "" : "s")}", c, data.Timed.Length, o.MaxSeconds);
                Print(r);
                failed |= !CheckDigest(r, c == 1, data) || r.Failed > 0;
                results.Add(r);
            }
            foreach (var rate in o.Rates)
            {
                var r = await OpenLoop(ctx, rate, o.MaxSeconds);
                Print(r);
                failed |= r.Failed > 0;
                results.Add(r);
            }

            Console.WriteLine();
            Console.WriteLine($"summary ({o.Journal switch { "postgres" => "PostgreSQL journal, fsync on", "memory" => "in-memory journal", _ => "no journal" }}):");
            Console.WriteLine("| load | messages | msgs/s | p50 | p99 | p99.9 | max | batches | commands/batch | append p50 / p99 | CPU/msg (silo + PostgreSQL) | others' cores |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in results)
            {
                var sorted = Sorted(r.Latencies);
                string P(double p) => Measure.Duration(Measure.Percentile(sorted, p));
                Console.WriteLine(string.Create(ci,
                    $"| {r.Label} | {r.Completed} | {r.Completed / r.Seconds:F0} | {P(0.50)} | {P(0.99)} | {P(0.999)} | {P(1)} "
                    + $"| {r.Journal.Batches} | {(double)r.Journal.Entries / Math.Max(1, r.Journal.Batches):F1} "
                    + $"| {Measure.Duration(r.Journal.AppendP50)} / {Measure.Duration(r.Journal.AppendP99)} "
                    + $"| {r.Process.CpuUsPerMessage:F1} + {r.Process.PostgresCpuUsPerMessage:F1} us | {r.Process.OthersCores:F2} |"));
            }
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
        Measure.PrintLoad("at end");
        return failed ? 1 : 0;
    }

    private sealed record RunContext(
        IClusterClient Client, TimingJournal Journal, string? Postgres, int? Postmaster, W1Data Data, GcPauseListener Gc, int IndexRate);

    /// <summary>C callers, each taking the next message and awaiting its acknowledgement; stops taking at the deadline.</summary>
    private static async Task<RunResult> ClosedLoop(RunContext ctx, string label, int callers, int count, int maxSeconds)
    {
        var run = await MarketRun.StartAsync(ctx, label, count);
        var next = -1;
        var deadline = 0L;

        async Task Caller()
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) return;
                var command = run.Command(i);
                var t0 = Stopwatch.GetTimestamp();
                var outcome = await run.Grain.Execute(command);
                run.Latencies[i] = Stopwatch.GetTimestamp() - t0;
                run.Complete(i, outcome);
            }
        }

        var meter = Meter.Start(ctx.Postmaster, ctx.Gc);
        deadline = Stopwatch.GetTimestamp() + maxSeconds * Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(Caller)));
        var seconds = Measure.Seconds(Stopwatch.GetTimestamp() - start);
        var completed = Math.Min(next + 1, count); // every increment below count took a message
        return await run.FinishAsync(completed, completed, seconds, null, meter);
    }

    /// <summary>Sends message i at start + i / rate whatever happened before; latency counts from that scheduled time.</summary>
    private static async Task<RunResult> OpenLoop(RunContext ctx, int rate, int maxSeconds)
    {
        var count = (int)Math.Min(ctx.Data.Timed.Length, (long)rate * maxSeconds);
        var run = await MarketRun.StartAsync(ctx, $"open loop {rate}/s", count);
        var sendLag = new long[count];
        var ticksPerMessage = Stopwatch.Frequency / (double)rate;
        var outstanding = count;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Not awaited by the sender; nothing keeps these tasks, so a run's worth of them never reaches gen 2.
        async Task Send(int i, long due)
        {
            try
            {
                var command = run.Command(i);
                sendLag[i] = Stopwatch.GetTimestamp() - due;
                var outcome = await run.Grain.Execute(command);
                run.Latencies[i] = Stopwatch.GetTimestamp() - due;
                run.Complete(i, outcome);
            }
            catch (Exception e)
            {
                run.Error(i, e);
            }
            finally
            {
                if (Interlocked.Decrement(ref outstanding) == 0) allDone.TrySetResult();
            }
        }

        var meter = Meter.Start(ctx.Postmaster, ctx.Gc);
        var start = Stopwatch.GetTimestamp();
        // The sender has a thread of its own, so that it keeps time even when the thread pool is saturated. It
        // sleeps between bursts rather than spinning (two cores, and the silo needs them): Thread.Sleep(1) wakes
        // within about 1.1 ms, so sends go in bursts of about rate/1000; the lateness this causes is measured and
        // counted in the latencies (they start at the scheduled time).
        var sender = new Thread(() =>
        {
            for (var i = 0; i < count;)
            {
                var now = Stopwatch.GetTimestamp();
                for (long due; i < count && (due = start + (long)(i * ticksPerMessage)) <= now; i++)
                    _ = Send(i, due);
                if (i < count) Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "open-loop sender" };
        sender.Start();
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(maxSeconds + 120));
        var seconds = Measure.Seconds(Stopwatch.GetTimestamp() - start);
        sender.Join();
        return await run.FinishAsync(count, count, seconds, sendLag, meter);
    }

    private static void Print(RunResult r)
    {
        var ci = Measure.Ci;
        var sorted = Sorted(r.Latencies);
        string P(double p) => Measure.Duration(Measure.Percentile(sorted, p));
        var j = r.Journal;
        var p = r.Process;
        Console.WriteLine();
        Console.WriteLine($"[{r.Label}]");
        Console.WriteLine(string.Create(ci, $"  acknowledged: {r.Completed} of {r.Sent} messages in {r.Seconds:F2} s = {r.Completed / r.Seconds:F0} msgs/s")
            + (r.Completed < r.Sent ? " (stopped at --max-seconds)" : ""));
        Console.WriteLine($"  ack latency{(r.SendLag is null ? "" : " from scheduled send")}: p50={P(0.50)} p99={P(0.99)} p99.9={P(0.999)} max={P(1)}");
        if (r.SendLag is { } lag)
        {
            var sl = Sorted(lag);
            Console.WriteLine($"  sender lateness (scheduled -> actually sent, included above): p50={Measure.Duration(Measure.Percentile(sl, 0.5))} "
                + $"p99={Measure.Duration(Measure.Percentile(sl, 0.99))} max={Measure.Duration(Measure.Percentile(sl, 1))}");
        }
        Console.WriteLine(string.Create(ci, $"  journal: {j.Batches} batches for {j.Entries} journaled commands "
            + $"({(double)j.Entries / Math.Max(1, j.Batches):F1} per batch, median {j.P50Entries}, max {j.MaxEntries}; {j.Events} events)"));
        Console.WriteLine(string.Create(ci, $"  appends: p50={Measure.Duration(j.AppendP50)} p99={Measure.Duration(j.AppendP99)} max={Measure.Duration(j.AppendMax)}; "
            + $"an append was in flight {100 * j.BusyFraction:F0}% of the run"));
        if (j.Rows > 0)
            Console.WriteLine(string.Create(ci, $"  market_journal: {j.Rows} rows for this run, payload {(double)j.PayloadBytes / Math.Max(1, j.Entries):F0} B/command "
                + $"({j.PayloadBytes / 1e6:F1} MB; stored after TOAST compression {j.StoredBytes / 1e6:F1} MB)"));
        Console.WriteLine(string.Create(ci, $"  outcomes: failed={r.Failed} rejected places={r.PlaceRejected} rejected cancels={r.CancelRejected} ")
            + "(a cancel is rejected when its order was filled, or not yet acknowledged so its id is unknown)");
        Console.WriteLine(string.Create(ci, $"  CPU: {p.CpuUsPerMessage:F1} us/msg in this process (all threads, spinning included)"
            + $"{(p.PostgresCpuUsPerMessage > 0 ? $" + {p.PostgresCpuUsPerMessage:F1} us/msg in PostgreSQL" : "")}; "
            + $"{p.AllocatedBytesPerMessage:F0} B allocated/msg, GCs gen0/1/2 {p.Gen0}/{p.Gen1}/{p.Gen2}, GC pauses {p.GcPause.TotalMilliseconds:F0} ms in all"));
        Console.WriteLine($"  GC: {p.LastGc}");
        Console.WriteLine(string.Create(ci, $"  other processes on the machine used {p.OthersCores:F2} of its {Environment.ProcessorCount} cores meanwhile"
            + $"{(p.StealCores > 0.005 ? $", the hypervisor stole {p.StealCores:F2}" : "")}"
            )
            + (p.OthersCores > 0.2 ? " -- NOT AN IDLE MACHINE, figures are pessimistic" : ""));
        Console.WriteLine($"  digest (trades in market sequence order): {r.Digest}");
    }

    private static bool CheckDigest(RunResult r, bool oneCaller, W1Data data)
    {
        if (!oneCaller || r.Completed != data.Timed.Length) return true;
        var ok = r.Digest == data.Digest && r.Failed == 0 && r.PlaceRejected == 0 && r.CancelRejected == 0;
        Console.WriteLine($"  one caller, whole workload: digest and outcomes {(ok ? "MATCH" : "DIFFER FROM")} the generation run");
        return ok;
    }

    private static long[] Sorted(long[] values)
    {
        var sorted = (long[])values.Clone();
        Array.Sort(sorted);
        return sorted;
    }

    private readonly record struct Trade(long Sequence, long Taker, long Maker, long Price, long Size);

    /// <summary>One run's market and bookkeeping: W1 ids to the ids the grain gave, outcomes, latencies.</summary>
    private sealed class MarketRun
    {
        private readonly RunContext _ctx;
        private readonly W1Message[] _messages;
        private readonly long[] _realIds; // by W1 order id; 0 until the place is acknowledged
        // Only the trades are kept, as small structs: holding every outcome's events would grow the heap by about
        // a kilobyte a message and charge the market for the harness's garbage collections.
        private readonly List<Trade> _trades;
        private readonly Lock _tradesLock = new();
        private readonly string _symbol;
        private readonly long _prefillSequence;
        private readonly string _label;
        private int _failed, _placeRejected, _cancelRejected;

        private MarketRun(RunContext ctx, IMarketGrain grain, string symbol, string label, W1Message[] messages, long[] realIds,
            long prefillSequence)
        {
            _ctx = ctx;
            Grain = grain;
            _symbol = symbol;
            _label = label;
            _messages = messages;
            _realIds = realIds;
            _prefillSequence = prefillSequence;
            _trades = new List<Trade>(messages.Length);
            Latencies = new long[messages.Length];
        }

        public IMarketGrain Grain { get; }

        public long[] Latencies { get; }

        /// <summary>Creates a fresh market and applies the W1 prefill to it (untimed).</summary>
        public static async Task<MarketRun> StartAsync(RunContext ctx, string label, int count)
        {
            var data = ctx.Data;
            var symbol = $"W1-{Guid.NewGuid():N}"[..20];
            var spec = W1Workload.Spec with { Symbol = symbol };
            if (ctx.IndexRate > 0) spec = spec with { Index = IndexReadings.Rules };
            var created = await ctx.Client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec);
            if (created != CreateMarketResult.Created) throw new InvalidOperationException($"creating {symbol}: {created}");
            var grain = ctx.Client.GetGrain<IMarketGrain>(symbol);
            if (ctx.IndexRate > 0) await IndexReadings.Open(grain);
            var realIds = new long[data.Prefill.Length + data.Timed.Length + 2];
            foreach (var chunk in data.Prefill.Chunk(PrefillChunk))
            {
                var outcomes = await grain.ExecuteBatch([.. chunk.Select(m => (MarketCommand)new PlaceCommand(m.ToPlaceOrder()))]);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (outcomes[i] is not { Status: CommandStatus.Committed, Events: [{ Kind: EventKind.OrderAccepted } accepted, ..] })
                        throw new InvalidOperationException($"prefill order {chunk[i].OrderId}: {outcomes[i]}");
                    realIds[chunk[i].OrderId] = accepted.OrderId;
                }
            }
            var status = await grain.GetStatus();
            return new MarketRun(ctx, grain, symbol, label, data.Timed[..count], realIds, status.Sequence)
            {
                _readings = ctx.IndexRate > 0 ? IndexReadings.Start(grain, ctx.IndexRate) : null,
            };
        }

        public MarketCommand Command(int i)
        {
            ref readonly var m = ref _messages[i];
            if (m.Kind == W1MessageKind.Place) return new PlaceCommand(m.ToPlaceOrder());
            var id = Volatile.Read(ref _realIds[m.OrderId]);
            // Not acknowledged yet (callers run concurrently): no id to name, so the cancel names none that exists.
            return new CancelCommand(new CancelOrder(m.UserId, id == 0 ? long.MaxValue : id));
        }

        /// <summary>The call itself failed (an exception, not an outcome): counted as failed, its latency dropped.</summary>
        public void Error(int i, Exception e)
        {
            if (Interlocked.Increment(ref _failed) == 1) Console.WriteLine($"  message {i} failed: {e.GetType().Name}: {e.Message}");
            Latencies[i] = 0;
        }

        public void Complete(int i, CommandOutcome outcome)
        {
            if (outcome.Status != CommandStatus.Committed)
            {
                if (Interlocked.Increment(ref _failed) == 1) Console.WriteLine($"  message {i}: {outcome.Status} {outcome.Error}");
                return;
            }
            ref readonly var m = ref _messages[i];
            if (outcome.Events.Length > 1)
                lock (_tradesLock)
                    foreach (ref readonly var e in outcome.Events.AsSpan())
                        if (e.Kind == EventKind.TradeExecuted) _trades.Add(new Trade(e.Sequence, e.OrderId, e.MakerOrderId, e.Price, e.Size));
            var rejected = outcome.Events is [{ Kind: EventKind.OrderRejected }];
            if (m.Kind == W1MessageKind.Place)
            {
                if (rejected) Interlocked.Increment(ref _placeRejected);
                else Volatile.Write(ref _realIds[m.OrderId], outcome.Events[0].OrderId);
            }
            else if (rejected) Interlocked.Increment(ref _cancelRejected);
        }

        private IndexReadings? _readings;

        public async Task<RunResult> FinishAsync(int sent, int completed, double seconds, long[]? sendLag, Meter meter)
        {
            var process = meter.Stop(completed);
            if (_readings is not null)
            {
                var readings = await _readings.StopAsync();
                Console.WriteLine(string.Create(Measure.Ci, $"  index readings journaled during the run: {readings}"));
            }

            // The trades in the order the market made them (their sequence numbers), whatever order the acks came in.
            _trades.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            var digest = W1Digest.Create();
            foreach (var t in _trades) digest.AddTrade(t.Taker, t.Maker, t.Price, t.Size);

            var appends = _ctx.Journal.AppendsAfter(_symbol, _prefillSequence);
            var sizes = appends.Select(a => a.Entries).Order().ToArray();
            var durations = appends.Select(a => a.Ticks).Order().ToArray();
            long rows = 0, payload = 0, stored = 0;
            if (_ctx.Postgres is { } postgres)
            {
                // What the database holds for this run: its rows in market_journal, their size raw and as stored.
                await using var connection = new NpgsqlConnection(postgres);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    select count(*), coalesce(sum(length(payload)), 0), coalesce(sum(pg_column_size(payload)), 0)
                    from market_journal where market = $1 and first_sequence > $2
                    """, connection);
                command.Parameters.Add(new() { Value = _symbol });
                command.Parameters.Add(new() { Value = _prefillSequence });
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                (rows, payload, stored) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                if (rows != appends.Length)
                    Console.WriteLine($"  market_journal holds {rows} rows for the run, but {appends.Length} appends returned");
            }
            var journal = new JournalStats(appends.Length, sizes.Sum(), appends.Sum(a => a.Events),
                sizes.Length == 0 ? 0 : sizes[(sizes.Length - 1) / 2], sizes.Length == 0 ? 0 : sizes[^1],
                Measure.Percentile(durations, 0.5), Measure.Percentile(durations, 0.99), Measure.Percentile(durations, 1),
                durations.Sum() / (seconds * Stopwatch.Frequency), rows, payload, stored);

            return new RunResult(_label, sent, completed, seconds, Latencies[..completed], sendLag?[..completed], _failed,
                _placeRejected, _cancelRejected, digest, journal, process);
        }
    }
}
