namespace Exchange.Matching;

/// <summary>Read-only views and the consistency check of the fast book; nothing here is on the matching path.</summary>
public sealed partial class FastOrderBook
{
    public bool TryGetOrder(long orderId, out OrderView order)
    {
        var found = _slotsById.TryGetValue(orderId, out var slot);
        order = found ? View(_pool[slot]) : default;
        return found;
    }

    public bool TryGetOrderId(long accountId, string clientOrderId, out long orderId) =>
        _clientOrderIds.TryGet(accountId, clientOrderId, out orderId);

    public bool TryGetBestPrice(Side side, out long price)
    {
        var ladder = Ladder(side);
        price = ladder.IsEmpty ? 0 : ladder.BestPrice;
        return !ladder.IsEmpty;
    }

    public void CopyDepth(Side side, int maxLevels, List<PriceLevel> into)
    {
        var ladder = Ladder(side);
        if (ladder.IsEmpty) return;
        var price = ladder.BestPrice;
        for (var n = 0; n < maxLevels; n++)
        {
            ref var level = ref ladder.LevelAt(price);
            into.Add(new PriceLevel(price, level.Size, level.Count));
            if (!ladder.TryNextWorse(price, out price)) break;
        }
    }

    public PriceLevel LevelAt(Side side, long price)
    {
        if (!Spec.IsValidPrice(price)) return new PriceLevel(price, 0, 0);
        ref var level = ref Ladder(side).LevelAt(price);
        return level.Count == 0 ? new PriceLevel(price, 0, 0) : new PriceLevel(price, level.Size, level.Count);
    }

    /// <summary>
    /// The auction's indicative uncross at <paramref name="referencePrice"/>: what <see cref="Uncross(long, long, EventBuffer)"/>
    /// would trade now, by the same rule on the same levels (only those at or through the other side's best price, so
    /// the cost is the crossed part of the book, not the whole of it). False when nothing crosses.
    /// </summary>
    public bool TryIndicate(long referencePrice, out AuctionIndication indication)
    {
        indication = default;
        if (!IsCrossed()) return false;
        var bids = CrossedLevels(_bids, _asks.BestPrice);
        var asks = CrossedLevels(_asks, _bids.BestPrice);
        if (!AuctionPricing.TryChoose(bids.ToArray(), asks.ToArray(), referencePrice, out var price, out var volume, out var imbalance)) return false;
        indication = new AuctionIndication(price, volume, imbalance);
        return true;
    }

    /// <summary>The accounts with an order resting here, each once (walks every resting order: for rare market-wide events).</summary>
    public HashSet<long> AccountsWithOrders()
    {
        var accounts = new HashSet<long>();
        foreach (var slot in _slotsById.Values) accounts.Add(_pool[slot].AccountId);
        return accounts;
    }

    public BookSnapshot Capture() =>
        new(Mode, Sequence, _nextOrderId, [.. RestingOrders(Side.Buy)], [.. RestingOrders(Side.Sell)], _clientOrderIds.Entries(), LastTradePrice, Terms,
            _window.Count == 0 ? null : _window.Entries(),
            Triggers.NextId > 1 ? [.. Triggers.Orders] : null, Triggers.NextId, Positions.Entries());

    public IEnumerable<OrderView> RestingOrders(Side side)
    {
        var ladder = Ladder(side);
        if (ladder.IsEmpty) yield break;
        var price = ladder.BestPrice;
        do
        {
            for (var slot = ladder.LevelAt(price).Head; slot != OrderPool.None; slot = _pool[slot].Next)
                yield return View(_pool[slot]);
        } while (ladder.TryNextWorse(price, out price));
    }

    public ulong StateHash() => BookStateHash.Compute(this, _nextOrderId, _clientOrderIds.Hash, _window.Entries());

    /// <summary>The client-order-id map's part of the state hash, kept up to date as ids come and go.</summary>
    internal ulong ClientOrderIdsHash => _clientOrderIds.Hash;

    public void CheckConsistency()
    {
        var counted = CheckSide(_bids, Side.Buy) + CheckSide(_asks, Side.Sell);
        if (counted != _slotsById.Count) throw new InvalidOperationException($"{counted} orders in levels, {_slotsById.Count} in the index");
        if (_pool.InUse != counted) throw new InvalidOperationException($"{_pool.InUse} pool slots in use for {counted} resting orders");
        if (OrderRules.Matches(Mode) && IsCrossed()) throw new InvalidOperationException("book crossed while matching");
        if (_window.Count > 0 && Terms.Breaker is not { VelocityBps: > 0 }) throw new InvalidOperationException("recent trades kept with the velocity rule off");
    }

    private int CheckSide(PriceLadder ladder, Side side)
    {
        if (ladder.IsEmpty) return ladder.LevelCount == 0 ? 0 : throw new InvalidOperationException($"{side}: empty ladder counts levels");
        int orders = 0, levels = 0;
        var price = ladder.BestPrice;
        do
        {
            ref var level = ref ladder.LevelAt(price);
            if (level.Count == 0) throw new InvalidOperationException($"{side} {price}: marked occupied but empty");
            long size = 0;
            int count = 0, previous = OrderPool.None;
            for (var slot = level.Head; slot != OrderPool.None; previous = slot, slot = _pool[slot].Next)
            {
                var o = _pool[slot];
                if (o.Side != side || o.Price != price || o.Remaining <= 0 || o.Prev != previous)
                    throw new InvalidOperationException($"{side} {price}: order {o.Id} misplaced or mislinked");
                if (!_slotsById.TryGetValue(o.Id, out var indexed) || indexed != slot)
                    throw new InvalidOperationException($"order {o.Id} missing from the index");
                size += o.Remaining;
                count++;
            }
            if (level.Tail != previous || count != level.Count || size != level.Size)
                throw new InvalidOperationException($"{side} {price}: level totals disagree with its orders");
            orders += count;
            levels++;
        } while (ladder.TryNextWorse(price, out price));
        if (levels != ladder.LevelCount) throw new InvalidOperationException($"{side}: {levels} levels reachable, {ladder.LevelCount} counted");
        return orders;
    }

    /// <summary>The levels of one side that are at or through the other side's best price.</summary>
    private List<PriceLevel> CrossedLevels(PriceLadder ladder, long otherBest)
    {
        var levels = new List<PriceLevel>();
        var price = ladder.BestPrice;
        do
        {
            if (ladder == _bids ? price < otherBest : price > otherBest) break;
            ref var level = ref ladder.LevelAt(price);
            levels.Add(new PriceLevel(price, level.Size, level.Count));
        } while (ladder.TryNextWorse(price, out price));
        return levels;
    }

    private static OrderView View(in OrderNode o) => new(o.Id, o.AccountId, o.Side, o.Price, o.Remaining, o.Filled,
        o.TimeInForce, o.Flags, o.Stp, o.ClientOrderId, o.AcceptedAt);
}
