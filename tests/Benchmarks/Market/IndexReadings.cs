using System.Diagnostics;
using Exchange.Benchmarks.W1;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;

namespace Exchange.Benchmarks.Market;

/// <summary>
/// Index readings sent straight to a market at a fixed rate beside the W1 flow, as its oracle would send them (each
/// one a journaled command): what they cost matching is the difference to the same run without them.
/// </summary>
internal sealed class IndexReadings : IDisposable
{
    private const string Index = "W1-INDEX";

    /// <summary>Reopening at once, so a fresh market trades after two readings; margin is not scaled.</summary>
    public static IndexRules Rules { get; } = new(Index, ReopenAfterMs: 0, AuctionMs: 0, Scaling: MarginScalingPolicy.Off);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _loop;

    private IndexReadings(IMarketGrain market, int perSecond) => _loop = Task.Run(() => Loop(market, perSecond, _stop.Token));

    public static IndexReadings Start(IMarketGrain market, int perSecond) => new(market, perSecond);

    /// <summary>A new market distrusts its index: two fresh readings take it through its (instant) reopening auction.</summary>
    public static async Task Open(IMarketGrain market)
    {
        for (var i = 0; i < 2; i++) await market.ApplyIndex(Reading(i));
        var mode = (await market.GetSummary()).Mode;
        if (mode != MarketMode.Open) throw new InvalidOperationException($"the market did not open on its index: {mode}");
    }

    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        var sent = await _loop;
        Dispose();
        return sent;
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>W1's mid with a small deterministic wobble, so that readings move the mark.</summary>
    private static IndexUpdate Reading(int i) =>
        new(Index, (W1Workload.Mid + i % 5) * IndexPrices.Scale / 100, IndexStatus.Fresh, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), -1);

    private static async Task<int> Loop(IMarketGrain market, int perSecond, CancellationToken stop)
    {
        var sent = 0;
        var start = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var due = start + (long)(sent * (Stopwatch.Frequency / (double)perSecond));
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, stop); }
                catch (OperationCanceledException) { break; }
            }
            await market.ApplyIndex(Reading(sent + 2));
            sent++;
        }
        return sent;
    }
}
