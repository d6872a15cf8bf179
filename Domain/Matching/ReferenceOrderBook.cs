namespace Exchange.Matching;

/// <summary>
/// The obviously-correct book: sorted dictionaries of price levels holding lists of order objects, every rule
/// written out plainly, no attention paid to speed. The fast book must produce exactly the same events and state
/// hash on every command stream; the property tests hold it to that.
/// </summary>
public sealed class ReferenceOrderBook : IOrderBook
{
    private sealed class Order
    {
        public required long Id;
        public required long AccountId;
        public required Side Side;
        public required long Price;
        public required long Remaining;
        public long Filled;
        public required TimeInForce TimeInForce;
        public required OrderFlags Flags;
        public required SelfTradePrevention Stp;
        public required string? ClientOrderId;
        public required long AcceptedAt;
    }

    private readonly SortedDictionary<long, List<Order>> _bids = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<long, List<Order>> _asks = new();
    private readonly Dictionary<long, Order> _resting = [];
    private readonly ClientOrderIds _clientOrderIds;
    private readonly TradeWindow _recentTrades = new();
    private long _nextOrderId = 1;

    public ReferenceOrderBook(MarketSpec spec, MarketMode mode = MarketMode.Open)
        : this(spec, mode, ClientOrderIds.DefaultRetainedOrders)
    {
    }

    /// <param name="clientOrderIdRetention">How many orders a closed order's client order id is remembered for.</param>
    internal ReferenceOrderBook(MarketSpec spec, MarketMode mode, long clientOrderIdRetention)
    {
        if (spec.Problem() is { } problem) throw new ArgumentException(problem, nameof(spec));
        _clientOrderIds = new ClientOrderIds(_resting.ContainsKey, clientOrderIdRetention);
        Spec = spec;
        Terms = MarketTerms.Initial(spec);
        Mode = mode;
    }

    /// <summary>Rebuilds the book a snapshot was captured from.</summary>
    public ReferenceOrderBook(MarketSpec spec, BookSnapshot snapshot)
        : this(spec, snapshot, ClientOrderIds.DefaultRetainedOrders)
    {
    }

    internal ReferenceOrderBook(MarketSpec spec, BookSnapshot snapshot, long clientOrderIdRetention)
        : this(spec, snapshot.Mode, clientOrderIdRetention)
    {
        Sequence = snapshot.Sequence;
        _nextOrderId = snapshot.NextOrderId;
        LastTradePrice = snapshot.LastTradePrice;
        Terms = snapshot.Terms ?? MarketTerms.Initial(spec);
        _recentTrades.Restore(snapshot.RecentTrades);
        Triggers = new TriggerBook(snapshot.NextConditionalId, snapshot.Conditionals);
        Positions = new MarketPositions(snapshot.Positions);
        _clientOrderIds.Restore(snapshot.ClientOrderIds);
        foreach (var o in snapshot.Bids.Concat(snapshot.Asks))
            Rest(new Order
            {
                Id = o.OrderId, AccountId = o.AccountId, Side = o.Side, Price = o.Price, Remaining = o.Remaining,
                Filled = o.Filled, TimeInForce = o.TimeInForce, Flags = o.Flags, Stp = o.SelfTradePrevention,
                ClientOrderId = o.ClientOrderId, AcceptedAt = o.AcceptedAt,
            });
    }

    public MarketSpec Spec { get; }
    public MarketMode Mode { get; private set; }
    public long Sequence { get; private set; }

    public long TakeSequence() => ++Sequence;

    public TriggerBook Triggers { get; } = new();
    public MarketPositions Positions { get; } = new();
    public int RestingOrderCount => _resting.Count;
    public long NextOrderId => _nextOrderId;
    public long LastTradePrice { get; private set; }
    public MarketTerms Terms { get; private set; } = null!;

    public void Place(in PlaceOrder o, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckPlace(Spec, Mode, o);
        if (reject != RejectReason.None) { Reject(events, timestamp, o.AccountId, reject, o.ClientOrderId); return; }
        if (o.ClientOrderId is not null && _clientOrderIds.TryGet(o.AccountId, o.ClientOrderId, out var original))
        {
            Reject(events, timestamp, o.AccountId, RejectReason.DuplicateClientOrderId, o.ClientOrderId, original);
            return;
        }
        var hasOpposite = TryGetBestPrice(o.Side.Opposite(), out var bestOpposite);
        if (o.Type == OrderType.Market && !hasOpposite)
        {
            Reject(events, timestamp, o.AccountId, RejectReason.NoLiquidity, o.ClientOrderId);
            return;
        }
        var limit = o.Type == OrderType.Market ? OrderRules.MarketLimit(Spec, o.Side, bestOpposite, o.Price) : o.Price;
        var guard = GuardFor(timestamp);
        if (o.Type == OrderType.Limit && guard.OutsideBand(o.Side, limit))
        {
            Reject(events, timestamp, o.AccountId, RejectReason.PriceOutsideBand, o.ClientOrderId);
            return;
        }
        var postOnly = (o.Flags & OrderFlags.PostOnly) != 0 || Mode == MarketMode.PostOnly;
        if (Mode != MarketMode.Auction && postOnly && hasOpposite && OrderRules.Crosses(o.Side, limit, bestOpposite))
        {
            Reject(events, timestamp, o.AccountId, RejectReason.PostOnlyWouldTake, o.ClientOrderId);
            return;
        }
        var capped = OrderRules.CheckOpenInterest(Terms, Positions, o.AccountId, o.Side, o.Size, o.Flags);
        if (capped != RejectReason.None)
        {
            Reject(events, timestamp, o.AccountId, capped, o.ClientOrderId);
            return;
        }

        var order = new Order
        {
            Id = _nextOrderId++, AccountId = o.AccountId, Side = o.Side, Price = limit, Remaining = o.Size,
            TimeInForce = o.TimeInForce, Flags = o.Flags, Stp = o.SelfTradePrevention,
            ClientOrderId = o.ClientOrderId, AcceptedAt = timestamp,
        };
        if (o.ClientOrderId is not null) _clientOrderIds.Add(o.AccountId, o.ClientOrderId, order.Id);
        events.Add(MarketEvent.Accepted(++Sequence, timestamp, order.Id, o, limit));

        if (Mode == MarketMode.Auction) { Rest(order); return; }
        if (o.TimeInForce == TimeInForce.FillOrKill && FillableSize(order, guard) < order.Remaining)
        {
            RemoveQuantity(order, order.Remaining, CancelReason.FillOrKill, timestamp, events);
            return;
        }
        if (!Match(order, guard, timestamp, events)) return;
        if (o.Type == OrderType.Market || o.TimeInForce != TimeInForce.GoodTillCancel)
            RemoveQuantity(order, order.Remaining, CancelReason.Unfilled, timestamp, events);
        else
            Rest(order);
    }

    public void Cancel(in CancelOrder c, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckCancel(Mode, c.AccountId);
        if (reject == RejectReason.None && !TryFind(c.AccountId, c.OrderId, c.ClientOrderId, out _)) reject = RejectReason.OrderNotFound;
        if (reject != RejectReason.None) { Reject(events, timestamp, c.AccountId, reject, c.ClientOrderId, c.OrderId); return; }
        TryFind(c.AccountId, c.OrderId, c.ClientOrderId, out var order);
        Unrest(order!);
        RemoveQuantity(order!, order!.Remaining, CancelReason.Requested, timestamp, events);
    }

    public void Amend(in AmendOrder a, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckAmend(Spec, Mode, a);
        Order? order = null;
        if (reject == RejectReason.None && !TryFind(a.AccountId, a.OrderId, a.ClientOrderId, out order)) reject = RejectReason.OrderNotFound;
        if (reject == RejectReason.None && a.ExpectedRemaining > 0 && order!.Remaining != a.ExpectedRemaining) reject = RejectReason.RemainingChanged;
        if (reject == RejectReason.None && order!.Price == a.NewPrice && order.Remaining == a.NewSize) reject = RejectReason.NoChange;
        var guard = GuardFor(timestamp);
        if (reject == RejectReason.None && order!.Price != a.NewPrice && guard.OutsideBand(order.Side, a.NewPrice)) reject = RejectReason.PriceOutsideBand;
        if (reject == RejectReason.None && Mode != MarketMode.Auction
            && ((order!.Flags & OrderFlags.PostOnly) != 0 || Mode == MarketMode.PostOnly)
            && TryGetBestPrice(order.Side.Opposite(), out var best) && OrderRules.Crosses(order.Side, a.NewPrice, best))
            reject = RejectReason.PostOnlyWouldTake;
        if (reject == RejectReason.None
            && (a.NewSize > order!.Remaining || (TryGetBestPrice(order.Side.Opposite(), out var opposite) && OrderRules.Crosses(order.Side, a.NewPrice, opposite))))
            reject = OrderRules.CheckOpenInterest(Terms, Positions, order.AccountId, order.Side, a.NewSize, order.Flags);
        if (reject != RejectReason.None) { Reject(events, timestamp, a.AccountId, reject, a.ClientOrderId, a.OrderId); return; }

        var (previousPrice, previousSize) = (order!.Price, order.Remaining);
        events.Add(MarketEvent.Amended(++Sequence, timestamp, order.Id, order.AccountId, order.Side, a.NewPrice, a.NewSize,
            previousPrice, previousSize));
        if (a.NewPrice == previousPrice && a.NewSize < previousSize) { order.Remaining = a.NewSize; return; }

        Unrest(order);
        order.Price = a.NewPrice;
        order.Remaining = a.NewSize;
        if (Mode == MarketMode.Auction || Match(order, guard, timestamp, events)) Rest(order);
    }

    public void CancelAll(long accountId, long timestamp, EventBuffer events)
    {
        var reject = OrderRules.CheckCancel(Mode, accountId);
        if (reject != RejectReason.None) { Reject(events, timestamp, accountId, reject); return; }
        foreach (var order in _resting.Values.Where(o => o.AccountId == accountId).OrderBy(o => o.Id).ToList())
        {
            Unrest(order);
            RemoveQuantity(order, order.Remaining, CancelReason.CancelAll, timestamp, events);
        }
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
        if (Terms.Breaker is null || Terms.Breaker.VelocityBps == 0) _recentTrades.Clear();
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

        var (price, volume) = ChooseUncrossPrice(referencePrice);
        var volumeExecuted = volume > 0;
        events.Add(MarketEvent.Uncrossed(++Sequence, timestamp, price, volume));
        if (volume > 0)
        {
            var buyers = RestingOrders(_bids).Where(o => o.Price >= price).ToList();
            var sellers = RestingOrders(_asks).Where(o => o.Price <= price).ToList();
            for (int b = 0, s = 0; volume > 0;)
            {
                var (buy, sell) = (buyers[b], sellers[s]);
                var size = Math.Min(volume, Math.Min(buy.Remaining, sell.Remaining));
                // The later-accepted order of the pair is named the taker.
                var (taker, maker) = buy.Id > sell.Id ? (buy, sell) : (sell, buy);
                Fill(taker, maker, price, size, timestamp, events);
                volume -= size;
                if (buy.Remaining == 0) { Unrest(buy); b++; }
                if (sell.Remaining == 0) { Unrest(sell); s++; }
            }
        }
        _recentTrades.Clear();
        if (volumeExecuted && Terms.Breaker is { VelocityBps: > 0 }) _recentTrades.Record(timestamp, price);
        events.Add(MarketEvent.ModeSwitched(++Sequence, timestamp, MarketMode.Open, Mode, cause));
        (Mode, Terms) = (MarketMode.Open, Terms with { ModeCause = cause, MarketWideSequence = Sequence });
    }

    public bool TryGetOrder(long orderId, out OrderView order)
    {
        var found = _resting.TryGetValue(orderId, out var o);
        order = found ? View(o!) : default;
        return found;
    }

    public bool TryGetOrderId(long accountId, string clientOrderId, out long orderId) =>
        _clientOrderIds.TryGet(accountId, clientOrderId, out orderId);

    public bool TryGetBestPrice(Side side, out long price)
    {
        var levels = side == Side.Buy ? _bids : _asks;
        price = levels.Count > 0 ? levels.First().Key : 0;
        return levels.Count > 0;
    }

    public void CopyDepth(Side side, int maxLevels, List<PriceLevel> into)
    {
        foreach (var (price, orders) in (side == Side.Buy ? _bids : _asks).Take(maxLevels))
            into.Add(new PriceLevel(price, orders.Sum(o => o.Remaining), orders.Count));
    }

    public PriceLevel LevelAt(Side side, long price) =>
        (side == Side.Buy ? _bids : _asks).TryGetValue(price, out var orders)
            ? new PriceLevel(price, orders.Sum(o => o.Remaining), orders.Count)
            : new PriceLevel(price, 0, 0);

    public BookSnapshot Capture() =>
        new(Mode, Sequence, _nextOrderId, [.. RestingOrders(Side.Buy)], [.. RestingOrders(Side.Sell)], _clientOrderIds.Entries(), LastTradePrice, Terms,
            _recentTrades.Count > 0 ? _recentTrades.Entries() : null,
            Triggers.NextId > 1 ? [.. Triggers.Orders] : null, Triggers.NextId, Positions.Entries());

    public IEnumerable<OrderView> RestingOrders(Side side) => RestingOrders(side == Side.Buy ? _bids : _asks).Select(View);

    public ulong StateHash() => BookStateHash.Compute(this, _nextOrderId, _clientOrderIds.Hash, _recentTrades.Entries());

    public void CheckConsistency()
    {
        var counted = 0;
        foreach (var (levels, side) in new[] { (_bids, Side.Buy), (_asks, Side.Sell) })
            foreach (var (price, orders) in levels)
            {
                if (orders.Count == 0) throw new InvalidOperationException($"empty level {price}");
                foreach (var o in orders)
                {
                    if (o.Price != price || o.Side != side || o.Remaining <= 0 || !_resting.ContainsKey(o.Id))
                        throw new InvalidOperationException($"order {o.Id} misplaced");
                    counted++;
                }
            }
        if (counted != _resting.Count) throw new InvalidOperationException("index and levels disagree");
        if (OrderRules.Matches(Mode) && IsCrossed()) throw new InvalidOperationException("book crossed while matching");
        if (_recentTrades.Count > 0 && (Terms.Breaker?.VelocityBps ?? 0) == 0) throw new InvalidOperationException("recent trades without the velocity rule");
    }

    /// <summary>The band and velocity limits of this command: only a matching mode with breaker rules has any.</summary>
    private PriceGuard GuardFor(long timestamp) =>
        OrderRules.Matches(Mode) && Terms.Breaker is not null ? PriceGuard.Begin(Terms, LastTradePrice, _recentTrades, timestamp) : PriceGuard.None;

    /// <summary>
    /// Trades the taker against the opposite side up to its price. The first maker priced outside the guard's limits
    /// is not traded with: the market trips to an auction there, and whatever is left of the taker is treated as in an
    /// auction. False when the taker was cancelled by self-trade prevention.
    /// </summary>
    private bool Match(Order taker, PriceGuard guard, long timestamp, EventBuffer events)
    {
        var opposite = taker.Side == Side.Buy ? _asks : _bids;
        while (taker.Remaining > 0 && opposite.Count > 0 && OrderRules.Crosses(taker.Side, taker.Price, opposite.First().Key))
        {
            var maker = opposite.First().Value[0];
            if (!guard.Admits(maker.Price))
            {
                SetMode(MarketMode.Auction, guard.TripCause(maker.Price, Terms.Breaker), timestamp, events);
                return true;
            }
            if (maker.AccountId == taker.AccountId && taker.Stp != SelfTradePrevention.None)
            {
                if (taker.Stp != SelfTradePrevention.CancelTaker)
                {
                    Unrest(maker);
                    RemoveQuantity(maker, maker.Remaining, CancelReason.SelfTradePrevention, timestamp, events);
                }
                if (taker.Stp == SelfTradePrevention.CancelMaker) continue;
                RemoveQuantity(taker, taker.Remaining, CancelReason.SelfTradePrevention, timestamp, events);
                return false;
            }
            var price = maker.Price;
            Fill(taker, maker, price, Math.Min(taker.Remaining, maker.Remaining), timestamp, events);
            guard.Traded(price, timestamp, _recentTrades);
            if (maker.Remaining == 0) Unrest(maker);
        }
        return taker.Remaining > 0;
    }

    /// <summary>How much a fill-or-kill taker would get, walking the book as <see cref="Match"/> would.</summary>
    private long FillableSize(Order taker, PriceGuard guard)
    {
        long fillable = 0;
        foreach (var maker in RestingOrders(taker.Side == Side.Buy ? _asks : _bids))
        {
            if (!OrderRules.Crosses(taker.Side, taker.Price, maker.Price)) break;
            if (!guard.Admits(maker.Price)) break;
            if (maker.AccountId == taker.AccountId && taker.Stp != SelfTradePrevention.None)
            {
                if (taker.Stp == SelfTradePrevention.CancelMaker) continue;
                break;
            }
            fillable += maker.Remaining;
            guard.Narrow(maker.Price);
        }
        return fillable;
    }

    private void Fill(Order taker, Order maker, long price, long size, long timestamp, EventBuffer events)
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

    private void RemoveQuantity(Order order, long size, CancelReason reason, long timestamp, EventBuffer events)
    {
        order.Remaining -= size;
        events.Add(MarketEvent.Cancelled(++Sequence, timestamp, order.Id, order.AccountId, order.Side, order.Price, size, reason));
    }

    private void Rest(Order order)
    {
        var levels = order.Side == Side.Buy ? _bids : _asks;
        if (!levels.TryGetValue(order.Price, out var level)) levels[order.Price] = level = [];
        level.Add(order);
        _resting.Add(order.Id, order);
    }

    private void Unrest(Order order)
    {
        var levels = order.Side == Side.Buy ? _bids : _asks;
        var level = levels[order.Price];
        level.Remove(order);
        if (level.Count == 0) levels.Remove(order.Price);
        _resting.Remove(order.Id);
    }

    private bool TryFind(long accountId, long orderId, string? clientOrderId, out Order? order)
    {
        order = null;
        if (orderId == 0 && (clientOrderId is null || !_clientOrderIds.TryGet(accountId, clientOrderId, out orderId))) return false;
        return _resting.TryGetValue(orderId, out order) && order.AccountId == accountId;
    }

    private bool IsCrossed() =>
        TryGetBestPrice(Side.Buy, out var bid) && TryGetBestPrice(Side.Sell, out var ask) && bid >= ask;

    /// <summary>Brute force over every price in the crossed range, independent of <see cref="AuctionPricing"/>.</summary>
    private (long Price, long Volume) ChooseUncrossPrice(long reference)
    {
        if (!IsCrossed()) return (0, 0);
        TryGetBestPrice(Side.Sell, out var low);
        TryGetBestPrice(Side.Buy, out var high);
        (long Price, long Volume, long Imbalance, long Distance) best = (0, 0, 0, 0);
        for (var p = low; p <= high; p++)
        {
            var buy = _resting.Values.Where(o => o.Side == Side.Buy && o.Price >= p).Sum(o => o.Remaining);
            var sell = _resting.Values.Where(o => o.Side == Side.Sell && o.Price <= p).Sum(o => o.Remaining);
            var candidate = (p, Math.Min(buy, sell), Math.Abs(buy - sell), Math.Abs(p - reference));
            if (candidate.Item2 > best.Volume
                || (candidate.Item2 == best.Volume && (candidate.Item3, candidate.Item4).CompareTo((best.Imbalance, best.Distance)) < 0))
                best = candidate;
        }
        return (best.Price, best.Volume);
    }

    private static IEnumerable<Order> RestingOrders(SortedDictionary<long, List<Order>> levels) => levels.Values.SelectMany(l => l);

    private static OrderView View(Order o) => new(o.Id, o.AccountId, o.Side, o.Price, o.Remaining, o.Filled,
        o.TimeInForce, o.Flags, o.Stp, o.ClientOrderId, o.AcceptedAt);

    private void Reject(EventBuffer events, long timestamp, long accountId, RejectReason reason, string? clientOrderId = null, long orderId = 0) =>
        events.Add(MarketEvent.Rejected(Sequence, timestamp, accountId, reason, clientOrderId, orderId));
}
