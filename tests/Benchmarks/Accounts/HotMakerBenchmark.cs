using System.Diagnostics;
using Exchange.Accounts;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.W1;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Benchmarks.Accounts;

/// <summary>
/// One market-maker account on the receiving end of a flood of fills. The maker keeps thousands of one-lot asks
/// resting at one price, posted in batches of 1,000 (the market's batch command, as a quoting engine would use
/// it); takers send IOC buys through their accounts, each sweeping several asks. Every fill must reach the
/// maker's account; a sampler reads how far the maker's settled sequence trails the fills the market has
/// acknowledged, in events and in time.
/// </summary>
internal static class HotMakerBenchmark
{
    private const int QuoteBatch = 1000;
    private const int RestingTarget = 20_000;

    public static async Task<bool> RunAsync(IClusterClient client, int runNumber, AccountsBenchOptions o, int? postmaster, GcPauseListener gc)
    {
        var ci = Measure.Ci;
        var symbol = $"HOT-{runNumber}-{Guid.NewGuid():N}"[..20];
        if (await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(W1Workload.Spec with { Symbol = symbol }) != CreateMarketResult.Created)
            throw new InvalidOperationException($"creating {symbol}");
        var market = client.GetGrain<IMarketGrain>(symbol);
        var accountBase = runNumber * 100_000L;
        var makerId = accountBase + 1;
        var maker = client.GetGrain<IAccountGrain>(makerId);
        var takers = Enumerable.Range(2, o.Takers).Select(i => client.GetGrain<IAccountGrain>(accountBase + i)).ToArray();
        foreach (var account in takers.Prepend(maker))
        {
            var amount = account == maker ? 1_000_000_000L * EndToEndBenchmark.MicroUsd : EndToEndBenchmark.Deposit;
            if ((await account.Deposit(amount, $"bench-{symbol}-{account.GetPrimaryKeyLong()}")).Reject != AccountReject.None)
                throw new InvalidOperationException("deposit refused");
            await account.CancelOrder(symbol, new CancelOrder(0, long.MaxValue)); // join the market before timing
        }

        Console.WriteLine();
        Console.WriteLine($"[hot market maker: {o.Takers} takers sending IOC buys of {o.TakerSize} lots into one maker's one-lot asks, {o.HotMakerSeconds} s]");
        var fills = new FillLog();
        long posted = 0, filled = 0, takerOrders = 0, failures = 0;
        var stop = 0;

        async Task Quote()
        {
            while (Volatile.Read(ref stop) == 0)
            {
                if (Interlocked.Read(ref posted) - Interlocked.Read(ref filled) >= RestingTarget)
                {
                    await Task.Delay(1);
                    continue;
                }
                var asks = Enumerable.Range(0, QuoteBatch).Select(_ => (MarketCommand)new PlaceCommand(
                    new PlaceOrder(makerId, Side.Sell, OrderType.Limit, W1Workload.Mid, 1, TimeInForce.GoodTillCancel))).ToArray();
                var outcomes = await market.ExecuteBatch(asks);
                if (outcomes.Any(x => x.Status != CommandStatus.Committed || x.Rejection != RejectReason.None))
                    throw new InvalidOperationException($"a quote failed: {outcomes.First(x => x.Status != CommandStatus.Committed || x.Rejection != RejectReason.None)}");
                Interlocked.Add(ref posted, QuoteBatch);
            }
        }

        async Task Take(IAccountGrain taker)
        {
            var order = new PlaceOrder(0, Side.Buy, OrderType.Limit, W1Workload.Mid, o.TakerSize, TimeInForce.ImmediateOrCancel);
            while (Volatile.Read(ref stop) == 0)
            {
                if (Interlocked.Read(ref posted) - Interlocked.Read(ref filled) < o.TakerSize) { await Task.Delay(1); continue; }
                var result = await taker.PlaceOrder(symbol, order);
                var acked = Stopwatch.GetTimestamp();
                if (result.Outcome is not { Status: CommandStatus.Committed } outcome) { Interlocked.Increment(ref failures); continue; }
                Interlocked.Increment(ref takerOrders);
                long count = 0, last = 0;
                foreach (var e in outcome.Events)
                    if (e.Kind == EventKind.TradeExecuted) (count, last) = (count + 1, e.Sequence);
                if (count == 0) continue;
                Interlocked.Add(ref filled, count);
                fills.Add(last, count, acked);
            }
        }

        var lags = new List<(long Events, long Ticks)>();
        async Task Sample()
        {
            while (Volatile.Read(ref stop) == 0)
            {
                await Task.Delay(20);
                var settled = await Settled(maker, symbol);
                lags.Add(fills.LagBehind(settled, Stopwatch.GetTimestamp()));
            }
        }

        var meter = Meter.Start(postmaster, gc);
        var start = Stopwatch.GetTimestamp();
        var workers = takers.Select(t => Task.Run(() => Take(t))).Append(Task.Run(Quote)).Append(Task.Run(Sample)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(o.HotMakerSeconds));
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(workers);
        var seconds = Measure.Seconds(Stopwatch.GetTimestamp() - start);
        var process = meter.Stop((int)Math.Max(1, filled));

        // Drain: how long after the last acknowledged fill the maker has applied everything.
        var lastFill = fills.LastSequence;
        var drainStart = Stopwatch.GetTimestamp();
        var drainDeadline = drainStart + 60 * Stopwatch.Frequency;
        long makerSettled;
        while ((makerSettled = await Settled(maker, symbol)) < lastFill && Stopwatch.GetTimestamp() < drainDeadline) await Task.Delay(5);
        var drain = Measure.Seconds(Stopwatch.GetTimestamp() - drainStart);

        var eventLags = lags.Select(l => l.Events).Order().ToArray();
        var timeLags = lags.Select(l => l.Ticks).Order().ToArray();
        Console.WriteLine(string.Create(ci, $"  fills: {filled} in {seconds:F1} s = {filled / seconds:F0} fills/s to the maker, from {takerOrders} taker orders "
            + $"({takerOrders / seconds:F0}/s); {posted} asks posted; {failures} taker orders failed"));
        Console.WriteLine(string.Create(ci, $"  maker's settlement lag ({lags.Count} samples every 20 ms): in events p50={Measure.Percentile(eventLags, 0.5)} "
            + $"p99={Measure.Percentile(eventLags, 0.99)} max={Measure.Percentile(eventLags, 1)}; in time p50={Measure.Duration(Measure.Percentile(timeLags, 0.5))} "
            + $"p99={Measure.Duration(Measure.Percentile(timeLags, 0.99))} max={Measure.Duration(Measure.Percentile(timeLags, 1))}"));
        Console.WriteLine(string.Create(ci, $"  after the last fill was acknowledged, the maker had applied everything within {drain * 1000:F0} ms")
            + (makerSettled < lastFill ? $" -- NOT CAUGHT UP: settled {makerSettled} < {lastFill}" : ""));
        Console.WriteLine(string.Create(ci, $"  CPU: {process.CpuUsPerMessage:F1} us/fill here + {process.PostgresCpuUsPerMessage:F1} us/fill in PostgreSQL; "
            + $"GC pauses {process.GcPause.TotalMilliseconds:F0} ms in all; others' cores {process.OthersCores:F2}"));

        var view = await maker.GetView();
        var position = view.Positions.Single(p => p.Symbol == symbol);
        var positionOk = position.Size == -filled;
        Console.WriteLine($"  maker's position {position.Size} lots (expected {-filled}){(positionOk ? "" : " -- WRONG")}");
        var audit = await client.GetGrain<IAuditGrain>(0).Run();
        Console.WriteLine($"  audit: money difference {audit.MoneyDifference}, {(audit.Balanced ? "balanced" : "NOT BALANCED")}");
        return positionOk && audit.Balanced && makerSettled >= lastFill && failures == 0;
    }

    private static async Task<long> Settled(IAccountGrain maker, string symbol) =>
        (await maker.GetView()).Positions.FirstOrDefault(p => p.Symbol == symbol)?.SettledSequence ?? 0;

    /// <summary>The fills acknowledged to takers, by market sequence, with when each acknowledgement arrived.</summary>
    private sealed class FillLog
    {
        private readonly Lock _lock = new();
        private readonly List<(long Sequence, long Count, long AckedAt)> _acks = [];

        public long LastSequence
        {
            get { lock (_lock) return _acks.Count == 0 ? 0 : _acks.Max(a => a.Sequence); }
        }

        public void Add(long lastSequence, long count, long ackedAt)
        {
            lock (_lock) _acks.Add((lastSequence, count, ackedAt));
        }

        /// <summary>Fills acknowledged but not yet applied by the maker, and how long the oldest of them has waited.</summary>
        public (long Events, long Ticks) LagBehind(long settled, long now)
        {
            lock (_lock)
            {
                long events = 0, oldest = now;
                foreach (var a in _acks)
                {
                    if (a.Sequence <= settled) continue;
                    events += a.Count;
                    oldest = Math.Min(oldest, a.AckedAt);
                }
                return (events, now - oldest);
            }
        }
    }
}
