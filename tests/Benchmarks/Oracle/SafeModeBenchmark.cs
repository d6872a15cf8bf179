using System.Diagnostics;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.Market;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Benchmarks.Oracle;

internal sealed record SafeModeOptions(string Journal, string? Postgres, int Rounds, IReadOnlyList<string> Settings);

/// <summary>
/// On real time, with the journal in PostgreSQL (fsync on): three feeds publish an index that a market follows, then
/// all fall silent. Each round measures (a) from the oracle tick that found the index stale (the reading's time) to the
/// market being cancel-only, committed, as a client polling it sees; and (b) from the moment the index became stale by
/// the policy (the feeds' last timestamp plus staleAfterMs) to the same point, which adds up to one oracle tick of
/// waiting for the tick. The market is then reopened by fresh prices for the next round.
/// </summary>
internal static class SafeModeBenchmark
{
    private const long StaleAfterMs = 1_000;

    public static async Task<int> RunAsync(SafeModeOptions o)
    {
        Measure.PrintMachine();
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var db = await JournalDatabase.OpenAsync(o.Journal, o.Postgres, setup.Token);
        Console.WriteLine($"journal: {db.Description}");
        var host = await BenchSilo.StartAsync(db, null, timeAppends: false, o.Settings, setup.Token);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var tick = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OracleOptions>>().Value.TickInterval;
            var index = $"BENCH-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
            var symbol = $"SM-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
            var oracle = client.GetGrain<IOracleGrain>(index);
            await oracle.Configure(new IndexPolicy(MinFeeds: 2, StaleAfterMs, MaxDeviationBps: 200));
            string[] feeds = [await oracle.AddFeed("a"), await oracle.AddFeed("b"), await oracle.AddFeed("c")];
            var spec = W1.W1Workload.Spec with
            {
                Symbol = symbol,
                Index = new IndexRules(index, ReopenAfterMs: 0, AuctionMs: 0, Scaling: MarginScalingPolicy.Off),
            };
            await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec);
            var market = client.GetGrain<IMarketGrain>(symbol);
            Console.WriteLine($"oracle tick {tick.TotalMilliseconds:F0} ms, staleAfterMs {StaleAfterMs}, {o.Rounds} rounds; "
                + "the market reopens at once (no wait, no auction time) between rounds");

            var fromTick = new List<double>();
            var fromStale = new List<double>();
            for (var round = 0; round < o.Rounds; round++)
            {
                // Fresh prices until the market trades, then silence.
                long last = 0;
                var opened = Stopwatch.StartNew();
                while ((await market.GetSummary()).Mode != MarketMode.Open)
                {
                    if (opened.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("the market did not reopen");
                    last = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    foreach (var feed in feeds) await oracle.Publish(feed, [new FeedPrice(100 * IndexPrices.Scale, last)]);
                    await Task.Delay(tick / 5);
                }
                var staleAt = last + StaleAfterMs + 1;
                MarketSummary summary;
                var waited = Stopwatch.StartNew();
                while ((summary = await market.GetSummary()).Mode != MarketMode.CancelOnly)
                {
                    if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("the market never went cancel-only");
                    await Task.Yield();
                }
                var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                fromTick.Add(seen - summary.Terms!.Index!.Tick.AsOf);
                fromStale.Add(seen - staleAt);
            }

            Console.WriteLine();
            Console.WriteLine("| from | p50 | p90 | max | mean |");
            Console.WriteLine("|---|---|---|---|---|");
            Row("the oracle tick that found the index stale -> market cancel-only, committed", fromTick);
            Row("the index stale by policy -> market cancel-only, committed (includes waiting for the tick)", fromStale);
            Console.WriteLine($"(ms, wall clock of this machine, resolution 1 ms; one oracle tick is {tick.TotalMilliseconds:F0} ms)");
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
        return 0;
    }

    private static void Row(string label, List<double> values)
    {
        var sorted = values.Order().ToArray();
        double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        Console.WriteLine(string.Create(Measure.Ci, $"| {label} | {P(0.5):F0} | {P(0.9):F0} | {sorted[^1]:F0} | {values.Average():F1} |"));
    }
}
