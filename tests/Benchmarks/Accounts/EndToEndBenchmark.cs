using System.Diagnostics;
using Exchange.Accounts;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.Market;
using Exchange.Benchmarks.W1;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Benchmarks.Accounts;

internal sealed record AccountsBenchOptions(
    string Journal, string? Postgres, int[] Callers, int Orders, int MaxSeconds, int WarmupOrders, ulong Seed,
    int HotMakerSeconds, int Takers, int TakerSize, IReadOnlyList<string> Settings, int[]? MarkTicks = null);

/// <summary>
/// Orders end to end: W1 messages sent as <see cref="IAccountGrain.PlaceOrder"/> and <see cref="IAccountGrain.CancelOrder"/>
/// calls, so each passes the account's pre-trade check (marks fetched, margin reserved), is matched and journaled by
/// the market, and settles in the accounts it touched (the caller's from the outcome, the makers' from the market's
/// one-way pushes), with account snapshots and transfers in PostgreSQL. Each run has its own market and its own
/// 1,000 funded accounts; after each run the conservation audit must balance. Then the hot market-maker run.
/// </summary>
internal static class EndToEndBenchmark
{
    /// <summary>Per account: plenty for W1's positions (sizes up to 200 lots at about 100 USD), so no order is refused for margin.</summary>
    public const long Deposit = 10_000_000L * MicroUsd;

    /// <summary>Money is in micro-USD.</summary>
    public const long MicroUsd = 1_000_000;

    private const int Users = 1000;

    public static async Task<int> RunAsync(AccountsBenchOptions o)
    {
        var ci = Measure.Ci;
        Measure.PrintMachine();
        var data = W1Workload.Generate(W1Workload.CreateBook("fast"), o.Seed, o.Orders);
        Console.WriteLine($"workload: W1 seed={o.Seed} through {Users} accounts, prefill {W1Workload.PrefillCount} (untimed, straight to the market), "
            + $"timed {o.Orders} messages ({data.NewOrders} new, {data.Cancels} cancels)");

        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var db = await JournalDatabase.OpenAsync(o.Journal, o.Postgres, setup.Token);
        Console.WriteLine($"journal and account store: {db.Description}");
        var host = await BenchSilo.StartAsync(db, m => m.NotifyAccounts = true, timeAppends: false, o.Settings, setup.Token);
        var failed = false;
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            using var gc = new GcPauseListener();
            Console.WriteLine("one silo, co-hosted client; each run: a fresh market and 1,000 fresh accounts, each funded with 10 M USD");

            var runs = new List<(string Label, EndToEndRun.Result Result, int MarkTicks)>();
            var runNumber = 0;
            if (o.WarmupOrders > 0)
            {
                var warm = await EndToEndRun.StartAsync(client, data, ++runNumber, Math.Min(o.WarmupOrders, data.Timed.Length));
                var w = await warm.ClosedLoop(callers: 64, o.MaxSeconds, db.PostmasterPid, gc);
                Console.WriteLine(string.Create(ci, $"warm-up: 64 callers, {w.Completed} orders, {w.Completed / w.Seconds:F0} orders/s (not reported)"));
            }
            var tickRates = o.MarkTicks ?? [0];
            var loadAverages = new List<string>();
            foreach (var callers in o.Callers)
            foreach (var markTicks in tickRates)
            {
                loadAverages.Add(Measure.LoadAverage());
                var run = await EndToEndRun.StartAsync(client, data, ++runNumber, data.Timed.Length);
                // With --mark-ticks, a journaled mark every 1/N s while the orders run: each is sent to every risk shard,
                // which values its accounts exposed to the market (none is liquidated: they hold 10 M USD each).
                using var ticking = new CancellationTokenSource();
                var ticks = markTicks > 0 ? run.TickMarks(client, markTicks, ticking.Token) : Task.CompletedTask;
                var result = await run.ClosedLoop(callers, o.MaxSeconds, db.PostmasterPid, gc);
                await ticking.CancelAsync();
                try { await ticks; } catch (OperationCanceledException) { }
                var label = $"{callers} caller{(callers == 1 ? "" : "s")}" + (tickRates.Length > 1 || markTicks > 0 ? $", {markTicks} mark ticks/s" : "");
                Print(label, result);
                var audit = await client.GetGrain<IAuditGrain>(0).Run();
                Console.WriteLine($"  audit after the run: {audit.Accounts} accounts, money difference {audit.MoneyDifference}, "
                    + $"net positions {string.Join(", ", audit.NetPositions.Where(p => p.Value != 0).Select(p => $"{p.Key}={p.Value}").DefaultIfEmpty("all zero"))}"
                    + (audit.Balanced ? " (balanced)" : " -- NOT BALANCED"));
                failed |= !audit.Balanced || result.Failed > 0;
                runs.Add((label, result, markTicks));
            }

            Console.WriteLine();
            Console.WriteLine("summary (orders through accounts, PostgreSQL fsync on):");
            Console.WriteLine("| callers | orders | orders/s | p50 | p99 | p99.9 | max | refused | CPU/order (silo + PostgreSQL) | others' cores | load average before |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            for (var i = 0; i < runs.Count; i++)
            {
                var (label, r, _) = runs[i];
                var sorted = r.SortedLatencies();
                string P(double p) => Measure.Duration(Measure.Percentile(sorted, p));
                Console.WriteLine(string.Create(ci, $"| {label} | {r.Completed} | {r.Completed / r.Seconds:F0} | {P(0.5)} | {P(0.99)} | {P(0.999)} | {P(1)} "
                    + $"| {r.Refused} | {r.Process.CpuUsPerMessage:F1} + {r.Process.PostgresCpuUsPerMessage:F1} us | {r.Process.OthersCores:F2} | {loadAverages[i]} |"));
            }
            if (tickRates.Length > 1) PrintTickRatios(runs, tickRates);

            if (o.HotMakerSeconds > 0)
                failed |= !await HotMakerBenchmark.RunAsync(client, ++runNumber, o, db.PostmasterPid, gc);
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
        Measure.PrintLoad("at end");
        return failed ? 1 : 0;
    }

    /// <summary>
    /// The cost of the risk view when nothing is liquidated: each run with ticks against the run without them just before
    /// it (same caller count, same session), as a ratio of throughput, and the median of those ratios.
    /// </summary>
    private static void PrintTickRatios(List<(string Label, EndToEndRun.Result Result, int MarkTicks)> runs, int[] tickRates)
    {
        var ci = Measure.Ci;
        double Rate(EndToEndRun.Result r) => r.Completed / r.Seconds;
        foreach (var ticks in tickRates.Where(t => t > 0).Distinct())
        {
            var ratios = new List<double>();
            for (var i = 0; i < runs.Count; i++)
            {
                if (runs[i].MarkTicks != ticks) continue;
                var baseline = runs.Take(i).LastOrDefault(r => r.MarkTicks == 0);
                if (baseline.Result is not null) ratios.Add(Rate(runs[i].Result) / Rate(baseline.Result));
            }
            if (ratios.Count == 0) continue;
            ratios.Sort();
            var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[ratios.Count / 2 - 1] + ratios[ratios.Count / 2]) / 2;
            Console.WriteLine(string.Create(ci, $"throughput with {ticks} mark ticks/s over the run without just before it: "
                + $"{string.Join(", ", ratios.Select(r => r.ToString("F3", ci)))}; median {median:F3}"));
        }
    }

    private static void Print(string label, EndToEndRun.Result r)
    {
        var ci = Measure.Ci;
        var sorted = r.SortedLatencies();
        string P(double p) => Measure.Duration(Measure.Percentile(sorted, p));
        var p = r.Process;
        Console.WriteLine();
        Console.WriteLine($"[{label}]");
        Console.WriteLine(string.Create(ci, $"  acknowledged: {r.Completed} orders and cancels in {r.Seconds:F2} s = {r.Completed / r.Seconds:F0}/s"));
        Console.WriteLine($"  latency (call to the account until durable and settled in the caller's account): p50={P(0.5)} p99={P(0.99)} p99.9={P(0.999)} max={P(1)}");
        Console.WriteLine(string.Create(ci, $"  outcomes: failed={r.Failed} refused by the account={r.Refused} rejected by the market={r.Rejected} (cancels of orders already filled, or not yet acknowledged)"));
        Console.WriteLine(string.Create(ci, $"  CPU: {p.CpuUsPerMessage:F1} us/order here + {p.PostgresCpuUsPerMessage:F1} us/order in PostgreSQL; "
            + $"{p.AllocatedBytesPerMessage:F0} B allocated/order, GCs gen0/1/2 {p.Gen0}/{p.Gen1}/{p.Gen2}, GC pauses {p.GcPause.TotalMilliseconds:F0} ms in all"));
        Console.WriteLine($"  GC: {p.LastGc}");
        Console.WriteLine(string.Create(ci, $"  other processes on the machine used {p.OthersCores:F2} of its {Environment.ProcessorCount} cores meanwhile")
            + (p.OthersCores > 0.2 ? " -- NOT AN IDLE MACHINE, figures are pessimistic" : ""));
    }
}

/// <summary>One end-to-end run: its market, its funded accounts, and the W1 ids mapped to the ids the market gave.</summary>
internal sealed class EndToEndRun
{
    private readonly string _symbol;
    private readonly W1Message[] _messages;
    private readonly long[] _realIds;
    private readonly IAccountGrain[] _accounts; // by W1 user id
    private int _failed, _refused, _rejected;

    private EndToEndRun(IClusterClient client, string symbol, long accountBase, W1Message[] messages, long[] realIds)
    {
        (_symbol, _messages, _realIds) = (symbol, messages, realIds);
        _accounts = [.. Enumerable.Range(0, 1001).Select(user => client.GetGrain<IAccountGrain>(accountBase + user))];
        Latencies = new long[messages.Length];
    }

    public long[] Latencies { get; }

    public sealed record Result(int Completed, double Seconds, long[] Latencies, int Failed, int Refused, int Rejected, ProcessStats Process)
    {
        public long[] SortedLatencies()
        {
            var sorted = (long[])Latencies.Clone();
            Array.Sort(sorted);
            return sorted;
        }
    }

    /// <summary>A fresh market, 1,000 funded accounts that have joined it, and the W1 prefill resting in it (untimed).</summary>
    public static async Task<EndToEndRun> StartAsync(IClusterClient client, W1Data data, int runNumber, int count)
    {
        var symbol = $"E2E-{runNumber}-{Guid.NewGuid():N}"[..20];
        var created = await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(W1Workload.Spec with { Symbol = symbol });
        if (created != CreateMarketResult.Created) throw new InvalidOperationException($"creating {symbol}: {created}");
        var accountBase = runNumber * 100_000L;
        await Parallel.ForEachAsync(Enumerable.Range(1, 1000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (user, _) =>
        {
            var account = client.GetGrain<IAccountGrain>(accountBase + user);
            var deposit = await account.Deposit(EndToEndBenchmark.Deposit, $"bench-{symbol}-{user}");
            if (deposit.Reject != AccountReject.None) throw new InvalidOperationException($"deposit for {user}: {deposit.Reject}");
            // A cancel of nothing: the account joins the market (a durable step of its own) before the clock starts.
            await account.CancelOrder(symbol, new CancelOrder(0, long.MaxValue));
        });
        var market = client.GetGrain<IMarketGrain>(symbol);
        var realIds = new long[data.Prefill.Length + data.Timed.Length + 2];
        foreach (var chunk in data.Prefill.Chunk(1000))
        {
            var outcomes = await market.ExecuteBatch([.. chunk.Select(m => (MarketCommand)new PlaceCommand(m.ToPlaceOrder() with { AccountId = accountBase + m.UserId }))]);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (outcomes[i] is not { Status: CommandStatus.Committed, Events: [{ Kind: EventKind.OrderAccepted } accepted, ..] })
                    throw new InvalidOperationException($"prefill order {chunk[i].OrderId}: {outcomes[i]}");
                realIds[chunk[i].OrderId] = accepted.OrderId;
            }
        }
        return new EndToEndRun(client, symbol, accountBase, data.Timed[..count], realIds);
    }

    /// <summary>C callers, each taking the next message and awaiting its answer; stops taking at the deadline.</summary>
    /// <summary>Sets the market's mark <paramref name="perSecond"/> times a second, one tick either side of the last price.</summary>
    public async Task TickMarks(IClusterClient client, int perSecond, CancellationToken cancellationToken)
    {
        var market = client.GetGrain<IMarketGrain>(_symbol);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
        var up = false;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false) is true)
        {
            var last = (await market.GetRecentTrades(1)).FirstOrDefault().Price;
            if (last > 1) await market.SetMarkPrice(last + ((up = !up) ? 1 : -1));
        }
    }

    public async Task<Result> ClosedLoop(int callers, int maxSeconds, int? postmaster, GcPauseListener gc)
    {
        var next = -1;
        var deadline = 0L;

        async Task Caller()
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= _messages.Length) return;
                var t0 = Stopwatch.GetTimestamp();
                var result = await Send(i);
                Latencies[i] = Stopwatch.GetTimestamp() - t0;
                Complete(i, result);
            }
        }

        var meter = Meter.Start(postmaster, gc);
        deadline = Stopwatch.GetTimestamp() + maxSeconds * Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(Caller)));
        var seconds = Measure.Seconds(Stopwatch.GetTimestamp() - start);
        var completed = Math.Min(next + 1, _messages.Length);
        return new Result(completed, seconds, Latencies[..completed], _failed, _refused, _rejected, meter.Stop(completed));
    }

    private Task<AccountOrderResult> Send(int i)
    {
        ref readonly var m = ref _messages[i];
        var account = _accounts[m.UserId];
        if (m.Kind == W1MessageKind.Place) return account.PlaceOrder(_symbol, m.ToPlaceOrder());
        var id = Volatile.Read(ref _realIds[m.OrderId]);
        return account.CancelOrder(_symbol, new CancelOrder(0, id == 0 ? long.MaxValue : id));
    }

    private void Complete(int i, AccountOrderResult result)
    {
        if (result.Reject != AccountReject.None)
        {
            if (Interlocked.Increment(ref _refused) == 1) Console.WriteLine($"  message {i} refused: {result.Reject}");
            return;
        }
        var outcome = result.Outcome!;
        if (outcome.Status != CommandStatus.Committed)
        {
            if (Interlocked.Increment(ref _failed) == 1) Console.WriteLine($"  message {i}: {outcome.Status} {outcome.Error}");
            return;
        }
        if (outcome.Events is [{ Kind: EventKind.OrderRejected }]) Interlocked.Increment(ref _rejected);
        else if (_messages[i].Kind == W1MessageKind.Place) Volatile.Write(ref _realIds[_messages[i].OrderId], outcome.Events[0].OrderId);
    }
}
