using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// A market's latest liquidation steps, for the public liquidations feed, the insurance fund's history and the operators'
/// feed read after a cursor: read from committed events (a trade whose taker is a liquidation order, a takeover, a
/// deleveraging, a fee). Rebuilt on recovery from the events the market reads back (up to <c>RecentEvents</c> before its
/// snapshot). It knows every step after <c>completeAfter</c> until it drops one for room, so a reader after a cursor can
/// tell whether it missed any. A ring in sequence order: the newest and the steps after a cursor are found without
/// copying the rest.
/// </summary>
internal sealed class RecentLiquidations(int capacity, long completeAfter)
{
    private readonly LiquidationRecord[] _ring = new LiquidationRecord[capacity];
    private int _first, _count;
    private long _completeAfter = completeAfter;

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
            if (step != 0) Keep(new LiquidationRecord(e.Sequence, e.Timestamp, step, e.AccountId, e.MakerAccountId, e.Side, e.Price, e.Size, mark));
        }
    }

    /// <summary>Up to <paramref name="limit"/> steps, newest first.</summary>
    public LiquidationRecord[] Latest(int limit)
    {
        var steps = new LiquidationRecord[Math.Clamp(limit, 0, _count)];
        for (var i = 0; i < steps.Length; i++) steps[i] = At(_count - 1 - i);
        return steps;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> steps after sequence <paramref name="after"/>, oldest first; not complete when steps
    /// after it were dropped for room before this read (the reader fell too far behind).
    /// </summary>
    public LiquidationPage After(long after, int limit)
    {
        // The first held step after the cursor (sequences rise along the ring).
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (At(middle).Sequence <= after) low = middle + 1;
            else high = middle;
        }
        var steps = new LiquidationRecord[Math.Clamp(limit, 0, _count - low)];
        for (var i = 0; i < steps.Length; i++) steps[i] = At(low + i);
        return new LiquidationPage(steps, Complete: after >= _completeAfter);
    }

    private LiquidationRecord At(int i) => _ring[(_first + i) % _ring.Length];

    private void Keep(LiquidationRecord record)
    {
        if (_count == _ring.Length)
        {
            _completeAfter = _ring[_first].Sequence;
            _first = (_first + 1) % _ring.Length;
            _count--;
        }
        _ring[(_first + _count) % _ring.Length] = record;
        _count++;
    }
}
