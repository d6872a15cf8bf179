using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>
/// The market makers: each quotes its market's index (as the observer last read it) on both sides, requoting every
/// refresh by cancelling its orders and placing new ones. When the index moves more than the scenario's thresholds
/// within its window they widen and thin their quotes, then withdraw altogether (everything cancelled) until it has been
/// calm for a while; on a <c>makers-cancel-all</c> fault all cancel at once and stay out for the fault's length.
/// A maker without a trusted index does not quote.
/// </summary>
internal sealed class Makers(MakerScenario scenario, IReadOnlyDictionary<string, MarketInfo> markets, IReadOnlyDictionary<string, StressAccount[]> accounts,
    OrderDesk desk, LiveState live, RunClock clock, FaultSchedule faults, Random seed)
{
    private int _quoting, _withdrawn;

    /// <summary>Makers quoting now, and how many times one withdrew (for the progress line and the verdicts).</summary>
    public int Quoting => Volatile.Read(ref _quoting);

    public int Withdrawals => Volatile.Read(ref _withdrawn);

    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(accounts.SelectMany(kv => kv.Value.Select(a => MakeAsync(markets[kv.Key], a, new Random(seed.Next()), ct))));

    private async Task MakeAsync(MarketInfo market, StressAccount maker, Random random, CancellationToken ct)
    {
        var quoted = false;
        try
        {
            quoted = await QuoteUntilStoppedAsync(market, maker, random, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            quoted = true;     // stopped mid-request: the quotes may rest
        }
        if (quoted)
            await desk.CancelAllAsync(maker, market.Symbol, CancellationToken.None);
    }

    /// <summary>Quotes until <paramref name="ct"/> is cancelled; true when quotes may still rest.</summary>
    private async Task<bool> QuoteUntilStoppedAsync(MarketInfo market, StressAccount maker, Random random, CancellationToken ct)
    {
        var w = scenario.Withdrawal;
        var hasQuotes = false;
        var quoting = false;
        long calmSince = long.MinValue;
        var next = clock.NowMs + random.Next((int)scenario.RefreshMs);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await clock.UntilAsync(next, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var now = clock.NowMs;
            next += scenario.RefreshMs;
            // Fell behind (the population still being built when quoting began, or a stall): quote once and go on from
            // now. Making up every missed refresh sent over a thousand orders a second on a quiet machine and starved
            // the feeds of the same process until the index went stale.
            if (next <= now) next = now + scenario.RefreshMs;
            var view = live.View(market.Symbol, now);
            var move = live.MoveBps(market.Symbol, now, w.WindowMs);
            if (move < w.WithdrawAtBps && calmSince == long.MinValue) calmSince = now;
            if (move >= w.WithdrawAtBps) calmSince = long.MinValue;
            var outNow = faults.MakersOut(now) || view?.Index is null || calmSince == long.MinValue || now - calmSince < (quoting || now < 0 ? 0 : w.ReturnAfterMs);
            if (outNow)
            {
                if (quoting)
                {
                    quoting = false;
                    Interlocked.Decrement(ref _quoting);
                    Interlocked.Increment(ref _withdrawn);
                }
                if (hasQuotes) await desk.CancelAllAsync(maker, market.Symbol, ct);
                hasQuotes = false;
                continue;
            }
            if (!quoting)
            {
                quoting = true;
                Interlocked.Increment(ref _quoting);
            }
            if (hasQuotes) await desk.CancelAllAsync(maker, market.Symbol, ct);
            var wide = move >= w.WidenAtBps;
            var spreadFactor = wide ? w.WidenFactor : 1;
            var depth = scenario.LevelNotional * (wide ? w.DepthFactorWhenWide : 1);
            var index = market.Ticks(view!.Index!.Value);
            var bids = new List<OrderIntent>();
            var asks = new List<OrderIntent>();
            for (var level = 0; level < scenario.Levels; level++)
            {
                var bps = (scenario.HalfSpreadBps + level * scenario.LevelSpacingBps) * spreadFactor;
                var offset = Math.Max(level + 1, (long)Math.Round(index * bps / 10_000));
                var bid = index - offset;
                var ask = index + offset;
                if (bid > 0) bids.Add(new OrderIntent(market.Symbol, true, bid, market.LotsFor(depth, bid), false));
                asks.Add(new OrderIntent(market.Symbol, false, ask, market.LotsFor(depth, ask), false));
            }
            var placed = await Task.WhenAll(desk.PlaceAsync(maker, bids, ct), desk.PlaceAsync(maker, asks, ct));
            hasQuotes = placed.Any(p => p.Count > 0);
        }
        return hasQuotes;
    }
}
