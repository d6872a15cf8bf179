using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// A market's latest liquidation steps, for the public liquidations feed and the insurance fund's history: read from
/// committed events (a trade whose taker is a liquidation order, a takeover, a deleveraging, a fee). Rebuilt on recovery
/// from the events the market reads back (up to <c>RecentEvents</c> before its snapshot).
/// </summary>
internal sealed class RecentLiquidations(int capacity)
{
    private readonly Queue<LiquidationRecord> _records = new();

    /// <summary>Takes the liquidation steps of one command's events; <paramref name="mark"/> is the mark they committed at.</summary>
    public void Add(MarketEvent[] events, long mark)
    {
        long liquidationOrder = 0;
        foreach (ref readonly var e in events.AsSpan())
        {
            var step = e.Kind switch
            {
                EventKind.TradeExecuted when e.OrderId == liquidationOrder && liquidationOrder != 0 => LiquidationStep.Book,
                EventKind.PositionTakenOver => LiquidationStep.Fund,
                EventKind.PositionDeleveraged => LiquidationStep.Deleverage,
                EventKind.LiquidationFeeCharged => LiquidationStep.Fee,
                _ => (LiquidationStep)0,
            };
            if (e.Kind == EventKind.OrderAccepted) liquidationOrder = (e.Flags & OrderFlags.Liquidation) != 0 ? e.OrderId : 0;
            if (step == 0) continue;
            _records.Enqueue(new LiquidationRecord(e.Sequence, e.Timestamp, step, e.AccountId, e.MakerAccountId, e.Side, e.Price, e.Size, mark));
            if (_records.Count > capacity) _records.Dequeue();
        }
    }

    /// <summary>Up to <paramref name="limit"/> steps, newest first.</summary>
    public LiquidationRecord[] Latest(int limit) => [.. _records.Reverse().Take(Math.Clamp(limit, 0, capacity))];
}
