using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>
/// The order flow: each trader, at its rate (times the burst factor during an <c>order-burst</c>), either cancels one of
/// its resting orders or sends a limit order around the market's mark: resting up to the scenario's spread away, or
/// immediate-or-cancel through the mark. Every answer is recorded; a refused order is part of what is measured, not an
/// error. Orders are spread over every market.
/// </summary>
internal sealed class Traders(TraderScenario scenario, IReadOnlyList<MarketInfo> markets, IReadOnlyList<StressAccount> accounts,
    OrderDesk desk, LiveState live, RunClock clock, FaultSchedule faults, Random seed)
{
    private const int MaxResting = 20;

    public Task RunAsync(CancellationToken ct) =>
        scenario.OrdersPerSecond <= 0 ? Task.CompletedTask
            : Task.WhenAll(accounts.Select(a => TradeAsync(a, new Random(seed.Next()), ct)));

    private async Task TradeAsync(StressAccount trader, Random random, CancellationToken ct)
    {
        try
        {
            await TradeUntilStoppedAsync(trader, random, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task TradeUntilStoppedAsync(StressAccount trader, Random random, CancellationToken ct)
    {
        var resting = new List<RestingOrder>();
        var next = (double)clock.NowMs + random.NextDouble() * 1000 / scenario.OrdersPerSecond;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await clock.UntilAsync((long)next, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var now = clock.NowMs;
            next += 1000 / (scenario.OrdersPerSecond * faults.BurstFactor(now));
            if (next < now - 1000) next = now;      // fell behind: do not make up for it in one rush
            if (resting.Count > 0 && (resting.Count >= MaxResting || random.Next(100) < scenario.CancelPercent))
            {
                var i = random.Next(resting.Count);
                var order = resting[i];
                resting.RemoveAt(i);
                await desk.CancelAsync(trader, order, ct);
                continue;
            }
            var market = markets[random.Next(markets.Count)];
            if (live.View(market.Symbol, now)?.Mark is not { } mark) continue; // nothing recent to price from
            var markTicks = market.Ticks(mark);
            var buy = random.Next(2) == 0;
            var cross = random.Next(100) < scenario.CrossPercent;
            var away = Math.Max(1, (long)Math.Round(markTicks * (decimal)(random.NextDouble() * scenario.SpreadBps) / 10_000));
            var price = cross ? (buy ? markTicks + away : markTicks - away) : (buy ? markTicks - away : markTicks + away);
            if (price <= 0) continue;
            var placed = await desk.PlaceAsync(trader, [new OrderIntent(market.Symbol, buy, price, market.LotsFor(scenario.OrderNotional, price), cross)], ct);
            resting.AddRange(placed);
        }
    }
}
