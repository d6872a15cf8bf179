using System.Diagnostics;
using Exchange.Accounts;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.Market;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Benchmarks.Liquidation;

internal sealed record LiquidationBenchOptions(string Journal, string? Postgres, int Accounts, int DropBps, ulong Seed, int MaxSeconds);

/// <summary>
/// The liquidation engine at scale: funded accounts with leveraged longs in one market (half of them also short in a
/// second market, for cross margin), the maker that sold them those longs, a bidder with some depth below, and a funded
/// insurance fund. Then the mark of the first market drops by <c>DropBps</c> in one journaled tick, and the benchmark
/// measures: how long the risk shards took to find every account under maintenance (each shard's own scan time, and from
/// the tick's commit to the last shard done), and how long until no account is under maintenance any more as the risk
/// view sees it (each closed through the book, the fund or deleveraging); then the conservation audit must balance.
/// </summary>
internal static class LiquidationBenchmark
{
    private const long Usd = 1_000_000;
    private const long Entry = 50_000, SecondEntry = 3_000;
    private const long Maker = 1, Bidder = 2, Fund = 3, FirstTrader = 1_000;

    public static async Task<int> RunAsync(LiquidationBenchOptions o)
    {
        var ci = Measure.Ci;
        Measure.PrintMachine();
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await using var db = await JournalDatabase.OpenAsync(o.Journal, o.Postgres, setup.Token);
        Console.WriteLine($"journal and account store: {db.Description}");
        var host = await BenchSilo.StartAsync(db, m => m.NotifyAccounts = true, timeAppends: false, [], setup.Token);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var shards = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RiskOptions>>().Value.Shards;
            var (a, b) = ($"LIQ-A-{Guid.NewGuid():N}"[..16], $"LIQ-B-{Guid.NewGuid():N}"[..16]);
            var rules = new LiquidationRules(Fund, FeeBps: 50, SliceLots: 1_000_000, CooldownMs: 0, FundLossCapBps: 2_000);
            foreach (var symbol in new[] { a, b })
            {
                var spec = new MarketSpec(symbol, TickSize: 1m, LotSize: 0.001m, MinPrice: 1, MaxPrice: 1_000_000, MinSize: 1,
                    MaxSize: 100_000_000, MarketProtectionTicks: 1_000, Liquidation: rules);
                if (await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec) != CreateMarketResult.Created)
                    throw new InvalidOperationException($"creating {symbol}");
            }
            var sw = Stopwatch.StartNew();
            var rng = new Random((int)o.Seed);
            var sizes = Enumerable.Range(0, o.Accounts).Select(_ => (long)rng.Next(10, 101)).ToArray();           // 0.01-0.1 lots of 1,000
            var leverage = Enumerable.Range(0, o.Accounts).Select(_ => 2 + rng.NextDouble() * 7.5).ToArray();       // 2x to 9.5x (setup only)
            var total = sizes.Sum();
            await client.GetGrain<IAccountGrain>(Maker).Deposit(100_000_000_000 * Usd, "maker");
            await client.GetGrain<IAccountGrain>(Bidder).Deposit(100_000_000_000 * Usd, "bidder");
            await client.GetGrain<IAccountGrain>(Fund).Deposit(1_000_000 * Usd, "fund");
            await Place(client, Maker, a, Side.Sell, Entry, total, "asks");
            await Place(client, Maker, b, Side.Buy, SecondEntry, total, "bids");
            var drop = Entry * (10_000 - o.DropBps) / 10_000;
            // Depth below the new mark's neighbourhood for about 30% of the open interest.
            for (var level = 0; level < 10; level++) await Place(client, Bidder, a, Side.Buy, drop + 1_000 - level * 50, total * 3 / 100, $"bid-{level}");

            await ForAll(o.Accounts, async i =>
            {
                var id = FirstTrader + i;
                var account = client.GetGrain<IAccountGrain>(id);
                // Notional of the long, in micro-USD: price x lots x 1,000 (one tick-lot is 0.001 USD).
                var notional = Entry * sizes[i] * 1_000;
                var second = i % 2 == 0 ? sizes[i] / 2 : 0;
                var deposit = (long)(notional / leverage[i]) + second * SecondEntry * 1_000 / 5 + 2 * Usd;
                await account.Deposit(deposit, $"d-{id}");
                await Place(client, id, a, Side.Buy, Entry, sizes[i], $"long-{id}", TimeInForce.ImmediateOrCancel);
                if (second > 0) await Place(client, id, b, Side.Sell, SecondEntry, second, $"short-{id}", TimeInForce.ImmediateOrCancel);
            });
            Console.WriteLine(string.Create(ci, $"population: {o.Accounts} accounts long {total} lots in {a} at {Entry} (2x-9.5x), half also short in {b}; set up in {sw.Elapsed.TotalSeconds:F1} s"));

            var riskShards = Enumerable.Range(0, shards).Select(s => client.GetGrain<IRiskShardGrain>(s)).ToArray();
            await Eventually(async () => (await Task.WhenAll(riskShards.Select(s => s.Stats()))).Sum(s => s.Accounts) >= o.Accounts, TimeSpan.FromSeconds(60));
            var before = await Task.WhenAll(riskShards.Select(s => s.Stats()));
            Console.WriteLine($"risk view: {before.Sum(s => s.Accounts)} accounts in {shards} shards, {before.Sum(s => s.UnderNow)} under maintenance before the drop");

            // The tick: one journaled mark, 20% lower by default.
            var gcBefore = GcCounts.Now();
            var tickSentAt = DateTimeOffset.UtcNow.UtcTicks;
            var tick = Stopwatch.StartNew();
            await client.GetGrain<IMarketGrain>(a).SetMarkPrice(drop);
            var committed = tick.Elapsed;
            RiskShardStats[] scanned = [];
            while (tick.Elapsed < TimeSpan.FromSeconds(o.MaxSeconds))
            {
                scanned = await Task.WhenAll(riskShards.Select(s => s.Stats()));
                if (scanned.Zip(before).All(x => x.First.Scans > x.Second.Scans && x.First.LastScanSymbol == a)) break;
                await Task.Delay(1); // the figure is the silo's own clock at the scan: polling faster only loads the shards
            }
            var found = tick.Elapsed;
            var gcFound = GcCounts.Now();
            var flagged = scanned.Sum(s => s.LastScanFound);
            // Found: when the last shard's scan had its verdict (the silo's clock, in this process), from the tick sent.
            var verdict = TimeSpan.FromTicks(scanned.Max(s => s.LastScanAt) - tickSentAt);
            Console.WriteLine(string.Create(ci, $"tick committed in {committed.TotalMilliseconds:F1} ms; every account under maintenance found {verdict.TotalMilliseconds:F1} ms after the tick was sent "
                + $"(the last shard's scan done; the benchmark saw every shard's stats {found.TotalMilliseconds:F1} ms after); "
                + $"{flagged} accounts under maintenance; scan time per shard (on its own turn): {string.Join(", ", scanned.Select(s => $"{s.LastScanMicroseconds / 1000.0:F2} ms"))}; "
                + $"each shard's verdict after the tick was sent: {string.Join(", ", scanned.Select(s => $"{TimeSpan.FromTicks(s.LastScanAt - tickSentAt).TotalMilliseconds:F1} ms"))}; "
                + $"garbage collections meanwhile: {gcFound - gcBefore}"));

            var handledAt = TimeSpan.Zero;
            var under = flagged;
            while (tick.Elapsed < TimeSpan.FromSeconds(o.MaxSeconds))
            {
                under = (await Task.WhenAll(riskShards.Select(s => s.Stats()))).Sum(s => s.UnderNow);
                if (under == 0) { handledAt = tick.Elapsed; break; }
                await Task.Delay(5);
            }
            Console.WriteLine(handledAt > TimeSpan.Zero
                ? string.Create(ci, $"every account handled (none under maintenance in the risk view) {handledAt.TotalMilliseconds:F0} ms after the tick; garbage collections from the tick: {GcCounts.Now() - gcBefore}")
                : $"NOT HANDLED within {o.MaxSeconds} s: {under} accounts still under maintenance");

            if (handledAt == TimeSpan.Zero)
            {
                // Show a few of the accounts left, to say why.
                var shown = 0;
                for (var i = 0; i < o.Accounts && shown < 5; i++)
                {
                    var view = await client.GetGrain<IAccountGrain>(FirstTrader + i).GetView();
                    if (view.MarginRatioPpm < 1_000_000 || view.Positions.Length == 0) continue;
                    shown++;
                    Console.WriteLine($"still under: {view.AccountId} equity {view.Equity} collateral {view.Collateral} maintenance {view.MaintenanceMargin} liquidating {view.Liquidating} "
                        + string.Join(", ", view.Positions.Select(p => $"{p.Symbol[..5]} {p.Size} cost {p.Cost} mark {p.MarkPrice} orders {p.OpenOrders} at {p.SettledSequence}")));
                }
            }
            var shardsAfter = await Task.WhenAll(riskShards.Select(s => s.Stats()));
            var liquidators = await Task.WhenAll(new[] { a, b }.Select(m => client.GetGrain<ILiquidatorGrain>(m).Stats()));
            Console.WriteLine($"routed: {shardsAfter.Sum(s => s.BackstopSent)} to the liquidators, {shardsAfter.Sum(s => s.Notified)} notices to accounts; "
                + $"liquidators: {string.Join("; ", liquidators.Select(l => $"{l.Batches} batches, {l.Backstopped} backstopped, {l.ToBook} to the book, {l.Refused} refused, {l.Transfers} transfers, {l.Chunks} chunks, "
                    + $"found-to-done mean {l.MeanMs} ms, slowest {l.SlowestMs} ms, time in ms: read {l.Time?.ReadMs}, book {l.Time?.BookMs}, fund {l.Time?.FundMs}, "
                    + $"candidates {l.Time?.CandidatesMs}, transfers {l.Time?.TransfersMs}"))}");
            // Timed: the stress lab's report waits for two audits in a row that agree, so an audit's time is part of it.
            var auditStarted = Stopwatch.GetTimestamp();
            var audit = await client.GetGrain<IAuditGrain>(0).Run();
            var auditMs = (long)Stopwatch.GetElapsedTime(auditStarted).TotalMilliseconds;
            Console.WriteLine($"audit in {auditMs} ms: {audit.Accounts} accounts, money difference {audit.MoneyDifference}, insurance fund {audit.InsuranceFund / (double)Usd:F2} USD, "
                + $"bad debt {audit.BadDebt}, net positions {string.Join(", ", audit.NetPositions.Select(p => $"{p.Key[..5]}={p.Value}"))}"
                + (audit.Balanced ? " (balanced)" : " -- NOT BALANCED"));
            return audit.Balanced && handledAt > TimeSpan.Zero ? 0 : 1;
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
    }

    private static async Task Place(IClusterClient client, long account, string symbol, Side side, long price, long size, string id,
        TimeInForce tif = TimeInForce.GoodTillCancel)
    {
        var result = await client.GetGrain<IAccountGrain>(account).PlaceOrder(symbol,
            new PlaceOrder(account, side, OrderType.Limit, price, size, tif, ClientOrderId: id));
        if (result.Reject != AccountReject.None || result.Outcome?.Status != CommandStatus.Committed)
            throw new InvalidOperationException($"order {id}: {result.Reject} {result.Outcome?.Status} {result.Outcome?.Error}");
    }

    // 16 accounts set up at a time: enough to keep the market's group commit busy, few enough that no call waits out the
    // 30 s call timeout behind the others on a loaded machine (256 did, at 100,000 accounts).
    private static async Task ForAll(int count, Func<int, Task> each)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) await each(i);
        }));
    }

    private static async Task Eventually(Func<Task<bool>> done, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            if (deadline.Elapsed > within) throw new TimeoutException("the risk view did not fill");
            await Task.Delay(20);
        }
    }
}
