namespace Exchange.Matching;

/// <summary>
/// The production book: orders by value in a pooled array, linked into per-tick levels of two
/// <see cref="PriceLadder"/>s, resting orders found by id through one dictionary. Matching a message allocates
/// nothing once the pool and dictionary have grown to the book's size. Its rules are exactly those of
/// <see cref="ReferenceOrderBook"/>; the property tests compare the two event by event.
/// </summary>
public sealed partial class FastOrderBook : IOrderBook
{
    private readonly PriceLadder _bids;
    private readonly PriceLadder _asks;
    private readonly OrderPool _pool = new();
    private readonly Dictionary<long, int> _slotsById = [];
    private readonly ClientOrderIds _clientOrderIds;
    private readonly TradeWindow _window = new();
    private BandGuard _band;
    private MarketTerms? _bandTerms;
    private long _bandReference;
    private long _nextOrderId = 1;

    public FastOrderBook(MarketSpec spec, MarketMode mode = MarketMode.Open)
        : this(spec, mode, ClientOrderIds.DefaultRetainedOrders)
    {
    }

    /// <param name="clientOrderIdRetention">How many orders a closed order's client order id is remembered for.</param>
    internal FastOrderBook(MarketSpec spec, MarketMode mode, long clientOrderIdRetention)
    {
        if (spec.Problem() is { } problem) throw new ArgumentException(problem, nameof(spec));
        _clientOrderIds = new ClientOrderIds(_slotsById.ContainsKey, clientOrderIdRetention);
        Spec = spec;
        Terms = MarketTerms.Initial(spec);
        Mode = mode;
        _bids = new PriceLadder(spec.MinPrice, spec.MaxPrice, bestIsHighest: true);
        _asks = new PriceLadder(spec.MinPrice, spec.MaxPrice, bestIsHighest: false);
    }

    /// <summary>Rebuilds the book a snapshot was captured from.</summary>
    public FastOrderBook(MarketSpec spec, BookSnapshot snapshot)
        : this(spec, snapshot, ClientOrderIds.DefaultRetainedOrders)
    {
    }

    internal FastOrderBook(MarketSpec spec, BookSnapshot snapshot, long clientOrderIdRetention)
        : this(spec, snapshot.Mode, clientOrderIdRetention)
    {
        Sequence = snapshot.Sequence;
        _nextOrderId = snapshot.NextOrderId;
        LastTradePrice = snapshot.LastTradePrice;
        Terms = snapshot.Terms ?? MarketTerms.Initial(spec);
        _window.Restore(snapshot.RecentTrades);
        Triggers = new TriggerBook(snapshot.NextConditionalId, snapshot.Conditionals);
        Positions = new MarketPositions(snapshot.Positions);
        _clientOrderIds.Restore(snapshot.ClientOrderIds);
        foreach (var o in snapshot.Bids.Concat(snapshot.Asks))
        {
            var slot = _pool.Allocate();
            ref var order = ref _pool[slot];
            (order.Id, order.AccountId, order.Side, order.Price, order.Remaining, order.Filled) =
                (o.OrderId, o.AccountId, o.Side, o.Price, o.Remaining, o.Filled);
            (order.TimeInForce, order.Flags, order.Stp, order.ClientOrderId, order.AcceptedAt) =
                (o.TimeInForce, o.Flags, o.SelfTradePrevention, o.ClientOrderId, o.AcceptedAt);
            Rest(slot);
        }
    }

    public MarketSpec Spec { get; }
    public MarketMode Mode { get; private set; }
    public long Sequence { get; private set; }

    public long TakeSequence() => ++Sequence;

    public TriggerBook Triggers { get; } = new();
    public MarketPositions Positions { get; } = new();
    public int RestingOrderCount => _slotsById.Count;
    public long NextOrderId => _nextOrderId;
    public long LastTradePrice { get; private set; }
    public MarketTerms Terms { get; private set; } = null!;

    public void Place(in PlaceOrder o, long timestamp, EventBuffer events)
    {
        // One compiled body per guard (see IMatchGuard): a market without breaker rules runs the checks as constants,
        // one with a band alone carries two prices.
        if (!Guarded)
        {
            var none = new NoGuard();
            Place(o, ref none, timestamp, events);
        }
        else if (Terms.Breaker!.VelocityBps == 0)
        {
            RefreshBand();
            Place(o, ref _band, timestamp, events);
        }
        else
        {
            var guard = PriceGuard.Begin(Terms, LastTradePrice, _window, timestamp);
            Place(o, ref guard, timestamp, events);
        }
    }

    private void Place<TGuard>(in PlaceOrder o, ref TGuard guard, long timestamp, EventBuffer events) where TGuard : struct, IMatchGuard
    {
        var reject = OrderRules.CheckPlace(Spec, Mode, o);
        if (reject != RejectReason.None) { Reject(events, timestamp, o.AccountId, reject, o.ClientOrderId); return; }
        if (o.ClientOrderId is not null && _clientOrderIds.TryGet(o.AccountId, o.ClientOrderId, out var original))
        {
            Reject(events, timestamp, o.AccountId, RejectReason.DuplicateClientOrderId, o.ClientOrderId, original);
            return;
        }
        var opposite = Ladder(o.Side.Opposite());
        if (o.Type == OrderType.Market && opposite.IsEmpty)
        {
            Reject(events, timestamp, o.AccountId, RejectReason.NoLiquidity, o.ClientOrderId);
            return;
        }
        var limit = o.Type == OrderType.Market ? OrderRules.MarketLimit(Spec, o.Side, opposite.BestPrice, o.Price) : o.Price;
        if (o.Type == OrderType.Limit && guard.OutsideBand(o.Side, limit))
        {
            Reject(events, timestamp, o.AccountId, RejectReason.PriceOutsideBand, o.ClientOrderId);
            return;
        }
        if (Mode != MarketMode.Auction && ((o.Flags & OrderFlags.PostOnly) != 0 || Mode == MarketMode.PostOnly)
            && !opposite.IsEmpty && OrderRules.Crosses(o.Side, limit, opposite.BestPrice))
        {
            Reject(events, timestamp, o.AccountId, RejectReason.PostOnlyWouldTake, o.ClientOrderId);
            return;
        }
        if (OrderRules.CheckOpenInterest(Terms, Positions, o.AccountId, o.Side, o.Size, o.Flags) is var capped && capped != RejectReason.None)
        {
            Reject(events, timestamp, o.AccountId, capped, o.ClientOrderId);
            return;
        }

        var slot = _pool.Allocate();
        ref var order = ref _pool[slot];
        order.Id = _nextOrderId++;
        order.AccountId = o.AccountId;
        order.Side = o.Side;
        order.Price = limit;
        order.Remaining = o.Size;
        order.TimeInForce = o.TimeInForce;
        order.Flags = o.Flags;
        order.Stp = o.SelfTradePrevention;
        order.ClientOrderId = o.ClientOrderId;
        order.AcceptedAt = timestamp;
        if (o.ClientOrderId is not null) _clientOrderIds.Add(o.AccountId, o.ClientOrderId, order.Id);
        events.Add(MarketEvent.Accepted(++Sequence, timestamp, order.Id, o, limit));

        if (Mode == MarketMode.Auction) { Rest(slot); return; }
        if (o.TimeInForce == TimeInForce.FillOrKill && FillableSize(slot, guard) < order.Remaining)
        {
            Removed(ref order, order.Remaining, CancelReason.FillOrKill, timestamp, events);
            _pool.Release(slot);
        }
        else if (!Match(slot, ref guard, timestamp, events))
            _pool.Release(slot);
        else if (o.Type == OrderType.Market || o.TimeInForce != TimeInForce.GoodTillCancel)
        {
            Removed(ref order, order.Remaining, CancelReason.Unfilled, timestamp, events);
            _pool.Release(slot);
        }
        else
            Rest(slot);
    }

    public void Cancel(in CancelOrder c, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckCancel(Mode, c.AccountId);
        var slot = OrderPool.None;
        if (reject == RejectReason.None && !TryFind(c.AccountId, c.OrderId, c.ClientOrderId, out slot)) reject = RejectReason.OrderNotFound;
        if (reject != RejectReason.None) { Reject(events, timestamp, c.AccountId, reject, c.ClientOrderId, c.OrderId); return; }
        CancelResting(slot, CancelReason.Requested, timestamp, events);
    }

    public void Amend(in AmendOrder a, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckAmend(Spec, Mode, a);
        var slot = OrderPool.None;
        if (reject == RejectReason.None && !TryFind(a.AccountId, a.OrderId, a.ClientOrderId, out slot)) reject = RejectReason.OrderNotFound;
        var guarded = reject == RejectReason.None && Guarded;
        var guard = guarded ? Guard(timestamp) : PriceGuard.None;
        if (reject == RejectReason.None)
        {
            ref var found = ref _pool[slot];
            var opposite = Ladder(found.Side.Opposite());
            if (a.ExpectedRemaining > 0 && found.Remaining != a.ExpectedRemaining) reject = RejectReason.RemainingChanged;
            else if (found.Price == a.NewPrice && found.Remaining == a.NewSize) reject = RejectReason.NoChange;
            else if (guarded && found.Price != a.NewPrice && guard.OutsideBand(found.Side, a.NewPrice)) reject = RejectReason.PriceOutsideBand;
            else if (Mode != MarketMode.Auction && ((found.Flags & OrderFlags.PostOnly) != 0 || Mode == MarketMode.PostOnly)
                && !opposite.IsEmpty && OrderRules.Crosses(found.Side, a.NewPrice, opposite.BestPrice))
                reject = RejectReason.PostOnlyWouldTake;
            else if ((a.NewSize > found.Remaining || (!opposite.IsEmpty && OrderRules.Crosses(found.Side, a.NewPrice, opposite.BestPrice)))
                && OrderRules.CheckOpenInterest(Terms, Positions, found.AccountId, found.Side, a.NewSize, found.Flags) != RejectReason.None)
                reject = RejectReason.OpenInterestLimit;
        }
        if (reject != RejectReason.None) { Reject(events, timestamp, a.AccountId, reject, a.ClientOrderId, a.OrderId); return; }

        ref var order = ref _pool[slot];
        events.Add(MarketEvent.Amended(++Sequence, timestamp, order.Id, order.AccountId, order.Side, a.NewPrice, a.NewSize,
            order.Price, order.Remaining));
        if (a.NewPrice == order.Price && a.NewSize < order.Remaining)
        {
            Ladder(order.Side).LevelAt(order.Price).Size -= order.Remaining - a.NewSize;
            order.Remaining = a.NewSize;
            return;
        }
        Unlink(slot);
        order.Price = a.NewPrice;
        order.Remaining = a.NewSize;
        if (Mode == MarketMode.Auction || (guarded ? Match(slot, ref guard, timestamp, events) : Unguarded(slot, timestamp, events))) Rest(slot);
        else _pool.Release(slot);
    }

    public void CancelAll(long accountId, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckCancel(Mode, accountId);
        if (reject != RejectReason.None) { Reject(events, timestamp, accountId, reject); return; }
        var mine = new List<KeyValuePair<long, int>>();
        foreach (var entry in _slotsById)
            if (_pool[entry.Value].AccountId == accountId) mine.Add(entry);
        mine.Sort((x, y) => x.Key.CompareTo(y.Key));
        foreach (var (_, slot) in mine) CancelResting(slot, CancelReason.CancelAll, timestamp, events);
    }

    public void SetMode(MarketMode mode, long timestamp, EventBuffer events) => SetMode(mode, ModeCause.Operator, timestamp, events);

    public void SetMode(MarketMode mode, ModeCause cause, long timestamp, EventBuffer events)
    {
        var reject = !Enum.IsDefined(mode) || mode == Mode ? RejectReason.InvalidMode
            : !cause.IsValid ? RejectReason.InvalidReason
            : OrderRules.Matches(mode) && IsCrossed() ? RejectReason.BookCrossed
            : RejectReason.None;
        if (reject != RejectReason.None) { Reject(events, timestamp, 0, reject); return; }
        events.Add(MarketEvent.ModeSwitched(++Sequence, timestamp, mode, Mode, cause));
        (Mode, Terms) = (mode, Terms with { ModeCause = cause, MarketWideSequence = Sequence });
    }

    public void SetMarkPrice(long price, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        Terms = TermsChanges.SetMark(Spec, Terms, price, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void SetRisk(MarketRisk risk, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        Terms = TermsChanges.SetRisk(Terms, risk, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void SetBreakerRules(BreakerRules rules, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        Terms = TermsChanges.SetBreaker(Terms, rules, ref sequence, timestamp, events);
        Sequence = sequence;
        if (Terms.Breaker is not { VelocityBps: > 0 }) _window.Clear();
    }

    public void SetOpenInterestLimits(Risk.OpenInterestLimits limits, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        Terms = TermsChanges.SetOpenInterest(Terms, limits, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void SetLiquidationRules(Risk.LiquidationRules rules, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        Terms = LiquidationChanges.SetRules(Terms, rules, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void TransferPosition(in Risk.PositionTransfer transfer, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        LiquidationChanges.Transfer(Spec, Mode, Terms, Positions, transfer, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void ChargeLiquidationFee(long accountId, long amount, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        LiquidationChanges.ChargeFee(Terms, accountId, amount, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void ApplyFunding(long periodEnd, long intervalMs, long timestamp, EventBuffer events)
    {
        var sequence = Sequence;
        Terms = FundingChanges.Apply(Terms, periodEnd, intervalMs, LastTradePrice, ref sequence, timestamp, events);
        Sequence = sequence;
    }

    public void ApplyIndex(in IndexTick tick, long timestamp, EventBuffer events) =>
        IndexFollowing.Apply(this, tick, timestamp, events, (terms, sequence) => (Terms, Sequence) = (terms, sequence));

    public void Uncross(long referencePrice, long timestamp, EventBuffer events) => Uncross(referencePrice, ModeCause.Operator, timestamp, events);

    public void Uncross(long referencePrice, ModeCause cause, long timestamp, EventBuffer events)
    {
        var reject = Mode != MarketMode.Auction ? RejectReason.NotInAuction
            : !Spec.IsValidPrice(referencePrice) ? RejectReason.InvalidPrice
            : RejectReason.None;
        if (reject != RejectReason.None) { Reject(events, timestamp, 0, reject); return; }

        var price = 0L;
        var volume = 0L;
        if (IsCrossed())
        {
            var bids = CrossedLevels(_bids, _asks.BestPrice);
            var asks = CrossedLevels(_asks, _bids.BestPrice);
            AuctionPricing.TryChoose(bids.ToArray(), asks.ToArray(), referencePrice, out price, out volume);
        }
        events.Add(MarketEvent.Uncrossed(++Sequence, timestamp, price, volume));
        // Executed orders are exactly the heads of both sides taken in priority order, until the volume is done.
        while (volume > 0)
        {
            int buySlot = _bids.LevelAt(_bids.BestPrice).Head, sellSlot = _asks.LevelAt(_asks.BestPrice).Head;
            ref var buy = ref _pool[buySlot];
            ref var sell = ref _pool[sellSlot];
            var size = Math.Min(volume, Math.Min(buy.Remaining, sell.Remaining));
            _bids.LevelAt(buy.Price).Size -= size;
            _asks.LevelAt(sell.Price).Size -= size;
            // The later-accepted order of the pair is named the taker.
            if (buy.Id > sell.Id) Fill(ref buy, ref sell, price, size, timestamp, events);
            else Fill(ref sell, ref buy, price, size, timestamp, events);
            volume -= size;
            if (buy.Remaining == 0) { Unlink(buySlot); _pool.Release(buySlot); }
            if (sell.Remaining == 0) { Unlink(sellSlot); _pool.Release(sellSlot); }
        }
        // The reopening price is where the velocity rule measures from again.
        _window.Clear();
        if (price != 0 && Terms.Breaker is { VelocityBps: > 0 }) _window.Record(timestamp, price);
        events.Add(MarketEvent.ModeSwitched(++Sequence, timestamp, MarketMode.Open, Mode, cause));
        (Mode, Terms) = (MarketMode.Open, Terms with { ModeCause = cause, MarketWideSequence = Sequence });
    }

    /// <summary>Whether this command matches under limits at all: the market has breaker rules and matches continuously.</summary>
    private bool Guarded => Terms.Breaker is not null && OrderRules.Matches(Mode);

    /// <summary>The limits continuous matching keeps to in this command (none unless the market matches and has breaker rules).</summary>
    private PriceGuard Guard(long timestamp) =>
        Guarded ? PriceGuard.Begin(Terms, LastTradePrice, _window, timestamp) : PriceGuard.None;

    /// <summary>Brings <see cref="_band"/> to the band of a market whose breaker has no velocity rule: the limits <see cref="Guard"/> would give.</summary>
    /// <remarks>
    /// They depend only on the terms (an immutable record, replaced on every change) and the reference, so they are kept
    /// until either changes: most orders in a busy book arrive between two trades at the same price. The cache is
    /// derived state, outside the hash and snapshots.
    /// </remarks>
    private void RefreshBand()
    {
        var terms = Terms;
        var reference = terms.BreakerReference(LastTradePrice);
        if (!ReferenceEquals(terms, _bandTerms) || reference != _bandReference)
            (_band, _bandTerms, _bandReference) = (BandGuard.Around(terms.Breaker!, reference), terms, reference);
    }

    /// <summary>
    /// Trades the taker against the opposite side up to its price, and within the guard's limits: at the first maker
    /// beyond them the market trips to an auction and the taker stops. False when nothing of it is left to rest.
    /// </summary>
    private bool Unguarded(int takerSlot, long timestamp, EventBuffer events)
    {
        var none = new NoGuard();
        return Match(takerSlot, ref none, timestamp, events);
    }

    private bool Match<TGuard>(int takerSlot, ref TGuard guard, long timestamp, EventBuffer events) where TGuard : struct, IMatchGuard
    {
        ref var taker = ref _pool[takerSlot];
        var opposite = Ladder(taker.Side.Opposite());
        while (taker.Remaining > 0 && !opposite.IsEmpty && OrderRules.Crosses(taker.Side, taker.Price, opposite.BestPrice))
        {
            var price = opposite.BestPrice;
            if (!guard.Admits(price))
            {
                SetMode(MarketMode.Auction, guard.TripCause(price, Terms.Breaker), timestamp, events);
                return true;
            }
            ref var level = ref opposite.LevelAt(price);
            var makerSlot = level.Head;
            ref var maker = ref _pool[makerSlot];
            if (maker.AccountId == taker.AccountId && taker.Stp != SelfTradePrevention.None)
            {
                if (taker.Stp != SelfTradePrevention.CancelTaker) CancelResting(makerSlot, CancelReason.SelfTradePrevention, timestamp, events);
                if (taker.Stp == SelfTradePrevention.CancelMaker) continue;
                Removed(ref taker, taker.Remaining, CancelReason.SelfTradePrevention, timestamp, events);
                return false;
            }
            var size = Math.Min(taker.Remaining, maker.Remaining);
            level.Size -= size;
            Fill(ref taker, ref maker, price, size, timestamp, events);
            guard.Traded(price, timestamp, _window);
            if (maker.Remaining == 0)
            {
                Unlink(makerSlot);
                _pool.Release(makerSlot);
            }
        }
        return taker.Remaining > 0;
    }

    /// <summary>How much a fill-or-kill taker would get, walking the book exactly as <see cref="Match"/> would.</summary>
    private long FillableSize<TGuard>(int takerSlot, TGuard guard) where TGuard : struct, IMatchGuard
    {
        ref var taker = ref _pool[takerSlot];
        var opposite = Ladder(taker.Side.Opposite());
        long fillable = 0;
        if (opposite.IsEmpty) return 0;
        for (var price = opposite.BestPrice; OrderRules.Crosses(taker.Side, taker.Price, price);)
        {
            if (!guard.Admits(price)) return fillable;
            ref var level = ref opposite.LevelAt(price);
            for (var slot = level.Head; slot != OrderPool.None; slot = _pool[slot].Next)
            {
                ref var maker = ref _pool[slot];
                if (maker.AccountId != taker.AccountId || taker.Stp == SelfTradePrevention.None)
                {
                    fillable += maker.Remaining;
                    guard.Narrow(price);
                }
                else if (taker.Stp != SelfTradePrevention.CancelMaker) return fillable;
                if (fillable >= taker.Remaining) return fillable;
            }
            if (!opposite.TryNextWorse(price, out price)) break;
        }
        return fillable;
    }

    private void Fill(ref OrderNode taker, ref OrderNode maker, long price, long size, long timestamp, EventBuffer events)
    {
        taker.Remaining -= size;
        taker.Filled += size;
        maker.Remaining -= size;
        maker.Filled += size;
        LastTradePrice = price;
        if (taker.Side == Side.Buy) Positions.Traded(taker.AccountId, maker.AccountId, size);
        else Positions.Traded(maker.AccountId, taker.AccountId, size);
        events.Add(MarketEvent.Trade(++Sequence, timestamp, taker.Id, taker.AccountId, taker.Side, maker.Id,
            maker.AccountId, price, size, taker.Remaining, maker.Remaining));
    }

    private void CancelResting(int slot, CancelReason reason, long timestamp, EventBuffer events)
    {
        Unlink(slot);
        ref var order = ref _pool[slot];
        Removed(ref order, order.Remaining, reason, timestamp, events);
        _pool.Release(slot);
    }

    private void Removed(ref OrderNode order, long size, CancelReason reason, long timestamp, EventBuffer events)
    {
        order.Remaining -= size;
        events.Add(MarketEvent.Cancelled(++Sequence, timestamp, order.Id, order.AccountId, order.Side, order.Price, size, reason));
    }

    private void Rest(int slot)
    {
        ref var order = ref _pool[slot];
        var ladder = Ladder(order.Side);
        ref var level = ref ladder.LevelAt(order.Price);
        order.Next = OrderPool.None;
        if (level.Count == 0)
        {
            order.Prev = OrderPool.None;
            level.Head = slot;
            ladder.MarkOccupied(order.Price);
        }
        else
        {
            order.Prev = level.Tail;
            _pool[level.Tail].Next = slot;
        }
        level.Tail = slot;
        level.Count++;
        level.Size += order.Remaining;
        _slotsById.Add(order.Id, slot);
    }

    /// <summary>Takes a resting order out of its level and the id index; the slot stays allocated.</summary>
    private void Unlink(int slot)
    {
        ref var order = ref _pool[slot];
        var ladder = Ladder(order.Side);
        ref var level = ref ladder.LevelAt(order.Price);
        if (order.Prev == OrderPool.None) level.Head = order.Next; else _pool[order.Prev].Next = order.Next;
        if (order.Next == OrderPool.None) level.Tail = order.Prev; else _pool[order.Next].Prev = order.Prev;
        level.Size -= order.Remaining;
        if (--level.Count == 0) ladder.MarkEmpty(order.Price);
        _slotsById.Remove(order.Id);
    }

    private bool TryFind(long accountId, long orderId, string? clientOrderId, out int slot)
    {
        slot = OrderPool.None;
        if (orderId == 0 && (clientOrderId is null || !_clientOrderIds.TryGet(accountId, clientOrderId, out orderId))) return false;
        return _slotsById.TryGetValue(orderId, out slot) && _pool[slot].AccountId == accountId;
    }

    private PriceLadder Ladder(Side side) => side == Side.Buy ? _bids : _asks;

    private bool IsCrossed() => !_bids.IsEmpty && !_asks.IsEmpty && _bids.BestPrice >= _asks.BestPrice;

    private void Reject(EventBuffer events, long timestamp, long accountId, RejectReason reason, string? clientOrderId = null, long orderId = 0) =>
        events.Add(MarketEvent.Rejected(Sequence, timestamp, accountId, reason, clientOrderId, orderId));
}
