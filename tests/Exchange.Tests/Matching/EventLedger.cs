using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// Follows one book from nothing but the events it emits and, after every command, checks that the book's own
/// answers agree with those events and that the matching invariants hold:
/// <list type="bullet">
/// <item>events carry the command's timestamp; state-changing events take gap-free sequences; a rejection is the
///   whole answer, carries the current sequence and leaves the state hash unchanged;</item>
/// <item>conservation per order: accepted size + amend changes == filled + resting remaining + cancelled;</item>
/// <item>price-time priority: resting orders are best price first, then in the order they (re)joined the queue;</item>
/// <item>continuous trades happen at the maker's price, within the taker's limit, never between orders of one
///   account (unless the taker chose SelfTradePrevention.None), never for a post-only taker, and only in Open mode;
///   uncross trades happen at the uncross price;</item>
/// <item>fill-or-kill is all or nothing; only limit GTC orders rest; a matching mode never has a crossed book;</item>
/// <item>no continuous trade outside the price band around the reference the command started with (the trusted
///   index, else the last trade or uncross), nor further than the velocity rule allows from any trade remembered
///   within its window (modelled here on its own: the last 32 price runs, restarted by an uncross);</item>
/// <item>CheckConsistency passes, and depth, best prices, single-order lookups and NextOrderId agree.</item>
/// </list>
/// </summary>
public sealed class EventLedger
{
    private sealed class Tracked
    {
        public required long AccountId { get; init; }
        public required Side Side { get; init; }
        public required OrderType Type { get; init; }
        public required TimeInForce TimeInForce { get; init; }
        public required OrderFlags Flags { get; init; }
        public required SelfTradePrevention Stp { get; init; }
        public required long Price { get; set; }
        /// <summary>Accepted size, plus amend increases, minus amend decreases.</summary>
        public required long Size { get; set; }
        public long Filled { get; set; }
        public long Cancelled { get; set; }
        /// <summary>When the order last joined the back of a price level's queue.</summary>
        public required long QueuedAt { get; set; }
        public long Open => Size - Filled - Cancelled;
    }

    private readonly Dictionary<long, Tracked> _orders = [];
    private readonly HashSet<long> _open = [];
    private readonly List<long> _acceptedThisCommand = [];
    private readonly List<PriceLevel> _depth = [];
    private long _queueClock;
    private long _lastOrderId;
    private long _sequence;
    private bool _uncrossing;
    private long _uncrossPrice;
    private long _uncrossLeft;
    private MarketTerms _terms;
    private long _indexTicks;
    private Exchange.Pricing.IndexStatus _indexStatus;
    private bool _indexTicked;
    private long _lastTrade;
    private readonly List<RecentTrade> _recent = [];
    private readonly List<long> _velocityFrom = [];
    private long _bandReference;
    private long _timestamp;
    private long _takerThisCommand;
    // Positions as this ledger counts them from trades and transfers, and the open interest (the sum of the longs).
    private readonly Dictionary<long, long> _positions = [];
    private long _openInterest;
    private bool _capExemptThisCommand;

    public EventLedger(IOrderBook book)
    {
        Assert.Equal(0, book.RestingOrderCount);
        Mode = book.Mode;
        _terms = book.Terms;
        _sequence = book.Sequence;
        _lastOrderId = book.NextOrderId - 1;
    }

    /// <summary>The mode the events say the market is in.</summary>
    public MarketMode Mode { get; private set; }

    /// <summary>Takes in the events of one command and checks the book against everything seen so far.</summary>
    public void Observe(IOrderBook book, long timestamp, ulong hashBefore, IReadOnlyList<MarketEvent> events)
    {
        foreach (var e in events) Assert.True(e.Timestamp == timestamp, $"event does not carry the command's timestamp {timestamp}: {e}");

        if (events.Any(e => e.Kind == EventKind.OrderRejected))
        {
            var reject = Assert.Single(events);
            Assert.NotEqual(RejectReason.None, reject.Reject);
            Assert.True(reject.Sequence == _sequence, $"a rejection carries the current sequence {_sequence}: {reject}");
            Assert.True(book.Sequence == _sequence, $"a rejection must not advance the sequence: {reject}");
            Assert.True(book.StateHash() == hashBefore, $"a rejection must not change the state hash: {reject}");
        }
        else
        {
            for (var i = 0; i < events.Count; i++)
                Assert.True(events[i].Sequence == _sequence + 1 + i, $"sequence gap: expected {_sequence + 1 + i} for {events[i]}");
            _sequence += events.Count;
            Assert.Equal(_sequence, book.Sequence);
            if (events.Count == 0) Assert.True(book.StateHash() == hashBefore, "a command without events changed the state hash");

            _acceptedThisCommand.Clear();
            _takerThisCommand = 0;
            _capExemptThisCommand = false;
            var openInterestBefore = _openInterest;
            BeginLimits(book.Spec, timestamp);
            foreach (var e in events) Apply(e);
            Assert.False(_uncrossing, "an uncross must end by opening the market");
            // Continuous trading never takes open interest past the cap, unless a reduce-only or liquidation order took part
            // (the book does not check that such an order only reduces), an uncross ran, or a position moved outside the book.
            if (_openInterest > openInterestBefore && !_capExemptThisCommand && _terms.OpenInterest is { MarketLots: > 0 } cap)
                Assert.True(_openInterest <= cap.MarketLots,
                    $"open interest rose from {openInterestBefore} to {_openInterest}, past the cap of {cap.MarketLots}");
            foreach (var id in _acceptedThisCommand) CheckFillOrKill(id);
        }
        CheckBook(book);
    }

    /// <summary>What this command's continuous trades must keep to, from the events seen before it.</summary>
    private void BeginLimits(MarketSpec spec, long timestamp)
    {
        _timestamp = timestamp;
        _bandReference = 0;
        _velocityFrom.Clear();
        if (_terms.Breaker is not { } rules || !OrderRules.Matches(Mode)) return;
        if (rules.BandBps > 0)
            _bandReference = _terms.Index is { Tick.IsTrusted: true } index ? index.Tick.IndexTicks : _lastTrade;
        if (rules.VelocityBps > 0)
            foreach (var t in _recent)
                if (t.Timestamp >= timestamp - rules.VelocityWindowMs * 1_000) _velocityFrom.Add(t.Price);
        Assert.True(spec.Breaker is null || spec.Breaker.Problem() is null);
    }

    /// <summary>Is <paramref name="price"/> within <paramref name="bps"/> of <paramref name="from"/> (at least one tick)?</summary>
    private static bool Within(long price, long from, int bps)
    {
        var distance = Int128.Abs((Int128)price - from);
        return distance <= 1 || distance * 10_000 <= (Int128)from * bps;
    }

    private void RememberTrade(long timestamp, long price)
    {
        if (_recent.Count > 0 && _recent[^1].Price == price) _recent[^1] = new RecentTrade(timestamp, price);
        else _recent.Add(new RecentTrade(timestamp, price));
        if (_recent.Count > 32) _recent.RemoveAt(0);
    }

    /// <summary>
    /// A trip inside an order's command must name a price a maker rests at, that the taker's limit reaches, and that
    /// the limits this ledger computes on its own refuse: outside the band for a band trip; inside the band but too far
    /// from a remembered or earlier trade for a velocity trip.
    /// </summary>
    private void CheckTrip(in MarketEvent e)
    {
        var taker = _orders[_takerThisCommand];
        Assert.True((e.PreviousMode, e.Mode) == (MarketMode.Open, MarketMode.Auction), $"a trip goes from Open to Auction: {e}");
        var words = e.Reason!.Split(' ');
        var price = long.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(OrderRules.Crosses(taker.Side, taker.Price, price), $"the taker's limit {taker.Price} does not reach the trip price: {e}");
        Assert.True(_open.Any(id => _orders[id].Side == taker.Side.Opposite() && _orders[id].Price == price),
            $"no maker rests at the trip price: {e}");
        var rules = _terms.Breaker!;
        var outsideBand = _bandReference > 0 && !Within(price, _bandReference, rules.BandBps);
        if (words[0] == "band:")
            Assert.True(outsideBand && words[^1] == _bandReference.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"a band trip at a price inside the band around {_bandReference}: {e}");
        else
            Assert.True(words[0] == "velocity:" && !outsideBand && _velocityFrom.Any(from => !Within(price, from, rules.VelocityBps)),
                $"a velocity trip at a price no remembered trade is too far from: {e}");
    }

    private Tracked Order(long orderId)
    {
        Assert.True(_orders.TryGetValue(orderId, out var order), $"event names order {orderId}, which was never accepted");
        return order;
    }

    private void Apply(in MarketEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.OrderAccepted:
                Assert.True(e.OrderId == _lastOrderId + 1, $"order ids are handed out in sequence: expected {_lastOrderId + 1} in {e}");
                Assert.True(e.Size > 0, $"accepted a non-positive size: {e}");
                _lastOrderId = e.OrderId;
                _orders.Add(e.OrderId, new Tracked
                {
                    AccountId = e.AccountId, Side = e.Side, Type = e.OrderType, TimeInForce = e.TimeInForce, Flags = e.Flags,
                    Stp = e.SelfTradePrevention, Price = e.Price, Size = e.Size, QueuedAt = ++_queueClock,
                });
                _open.Add(e.OrderId);
                _acceptedThisCommand.Add(e.OrderId);
                _takerThisCommand = e.OrderId;
                break;

            case EventKind.TradeExecuted:
                ApplyTrade(e);
                break;

            case EventKind.OrderCancelled:
            {
                var o = Order(e.OrderId);
                Assert.True((e.AccountId, e.Side, e.Price) == (o.AccountId, o.Side, o.Price), $"cancel does not describe the order: {e}");
                Assert.True(e.Size > 0 && e.Size == o.Open, $"a cancel removes everything left ({o.Open}): {e}");
                Assert.True(e.CancelReason switch
                {
                    CancelReason.Unfilled => o.Type == OrderType.Market || o.TimeInForce != TimeInForce.GoodTillCancel,
                    CancelReason.FillOrKill => o.TimeInForce == TimeInForce.FillOrKill && o.Filled == 0,
                    CancelReason.Requested or CancelReason.CancelAll or CancelReason.SelfTradePrevention => true,
                    _ => false,
                }, $"cancel reason does not fit the order: {e}");
                o.Cancelled += e.Size;
                _open.Remove(e.OrderId);
                break;
            }

            case EventKind.OrderAmended:
            {
                var o = Order(e.OrderId);
                Assert.True(_open.Contains(e.OrderId), $"amended an order that does not rest: {e}");
                Assert.True(Mode is not (MarketMode.CancelOnly or MarketMode.Halted), $"amend in mode {Mode}: {e}");
                Assert.True((e.AccountId, e.Side, e.PreviousPrice, e.PreviousSize) == (o.AccountId, o.Side, o.Price, o.Open),
                    $"amend's previous price/size do not match the order ({o.Price}, {o.Open}): {e}");
                Assert.True(e.Price != e.PreviousPrice || e.Size != e.PreviousSize, $"amend that changes nothing: {e}");
                Assert.True(e.Size > 0, $"amend to a non-positive size: {e}");
                o.Size += e.Size - e.PreviousSize;
                o.Price = e.Price;
                _takerThisCommand = e.OrderId;
                // Only a smaller size at the same price keeps time priority.
                if (!(e.Price == e.PreviousPrice && e.Size < e.PreviousSize)) o.QueuedAt = ++_queueClock;
                break;
            }

            case EventKind.ModeChanged:
                Assert.True(e.PreviousMode == Mode && e.Mode != Mode, $"mode change does not start from {Mode}: {e}");
                if (_uncrossing)
                {
                    Assert.True(e.Mode == MarketMode.Open, $"an uncross opens the market: {e}");
                    Assert.True(_uncrossLeft == 0, $"uncross trades fall {_uncrossLeft} short of the announced volume");
                    _uncrossing = false;
                }
                if (e.Actor == ModeActor.Breaker && _takerThisCommand != 0) CheckTrip(e);
                Mode = e.Mode;
                Assert.True(e.Cause.IsValid, $"a mode change with a cause that should have been refused: {e}");
                _terms = _terms with { ModeCause = e.Cause, MarketWideSequence = e.Sequence };
                break;

            case EventKind.MarkPriceSet:
                Assert.True(e.PreviousPrice == _terms.MarkPrice && e.Price != e.PreviousPrice, $"mark change does not start from {_terms.MarkPrice}: {e}");
                _terms = _terms with { MarkPrice = e.Price };
                break;

            case EventKind.RiskChanged:
                Assert.True(e.Risk is not null && e.Risk.Problem() is null && !e.Risk.Equals(_terms.Risk), $"a risk change that should have been refused: {e}");
                _terms = _terms with { Risk = e.Risk!, MarketWideSequence = e.Sequence };
                break;

            case EventKind.BreakerRulesChanged:
                Assert.True(e.Breaker is not null && e.Breaker.Problem() is null && !Equals(MarketTerms.Normal(e.Breaker), _terms.Breaker),
                    $"a breaker rules change that should have been refused: {e}");
                _terms = _terms with { Breaker = MarketTerms.Normal(e.Breaker) };
                if (e.Breaker!.VelocityBps == 0) _recent.Clear();
                break;

            case EventKind.LiquidationRulesChanged:
                Assert.True(e.Liquidation is { } rules && rules.Problem() is null && !Equals(rules, _terms.Liquidation),
                    $"a liquidation rules change that should have been refused: {e}");
                _terms = _terms with { Liquidation = e.Liquidation };
                break;

            case EventKind.OpenInterestLimitsChanged:
                Assert.True(e.OpenInterest is { } limits && limits.Problem() is null
                        && !Equals(Exchange.Risk.OpenInterestLimits.Normal(limits), _terms.OpenInterest),
                    $"an open-interest limits change that should have been refused: {e}");
                _terms = _terms with { OpenInterest = Exchange.Risk.OpenInterestLimits.Normal(e.OpenInterest), MarketWideSequence = e.Sequence };
                break;

            case EventKind.PositionTakenOver or EventKind.PositionDeleveraged:
                _capExemptThisCommand = true;
                if (e.Side == Side.Buy) Traded(e.AccountId, e.MakerAccountId, e.Size);
                else Traded(e.MakerAccountId, e.AccountId, e.Size);
                Assert.True(_terms.Liquidation is { } fund && Mode is MarketMode.Open or MarketMode.PostOnly && e.Size > 0
                        && e.AccountId > 0 && e.MakerAccountId > 0 && e.AccountId != e.MakerAccountId
                        && (e.Kind == EventKind.PositionTakenOver) == (e.MakerAccountId == fund.FundAccountId),
                    $"a position moved outside the book that should have been refused: {e}");
                break;

            case EventKind.LiquidationFeeCharged:
                Assert.True(_terms.Liquidation is { } feeFund && e.Size > 0 && e.MakerAccountId == feeFund.FundAccountId
                        && e.AccountId > 0 && e.AccountId != feeFund.FundAccountId,
                    $"a liquidation fee that should have been refused: {e}");
                break;

            case EventKind.FundingApplied:
                Assert.True(e.PreviousPrice > (_terms.Funding?.PeriodEnd ?? 0) && e.Price > 0 && e.PreviousSize > 0,
                    $"funding for an interval already settled, or with no mark: {e}");
                _terms = _terms with { Funding = new Exchange.Risk.FundingSettled(e.PreviousPrice, e.PreviousSize, e.Size, e.Price),
                    MarketWideSequence = e.Sequence };
                break;

            case EventKind.IndexPriceSet:
                Assert.True(e.PreviousPrice == _indexTicks, $"index change does not start from {_indexTicks}: {e}");
                (_indexTicks, _indexStatus, _indexTicked) = (e.Price, e.IndexStatus, true);
                break;

            case EventKind.AuctionUncrossed:
                Assert.True(Mode == MarketMode.Auction && !_uncrossing, $"uncross outside an auction: {e}");
                Assert.True(e.Size >= 0 && (e.Size == 0) == (e.Price == 0), $"uncross price and volume disagree: {e}");
                (_uncrossing, _uncrossPrice, _uncrossLeft) = (true, e.Price, e.Size);
                // The reopening price is what the velocity rule measures from again.
                _recent.Clear();
                if (e.Size > 0 && _terms.Breaker is { VelocityBps: > 0 }) RememberTrade(e.Timestamp, e.Price);
                break;

            default:
                Assert.Fail($"unexpected event in a successful command: {e}");
                break;
        }
    }

    private void ApplyTrade(in MarketEvent e)
    {
        var taker = Order(e.OrderId);
        var maker = Order(e.MakerOrderId);
        Assert.True((e.AccountId, e.Side, e.MakerAccountId) == (taker.AccountId, taker.Side, maker.AccountId),
            $"trade does not describe its orders: {e}");
        Assert.True(maker.Side == taker.Side.Opposite(), $"trade between orders of one side: {e}");
        Assert.True(e.Size > 0 && e.Size <= taker.Open && e.Size <= maker.Open, $"trade size exceeds what is left: {e}");
        var (buy, sell) = taker.Side == Side.Buy ? (taker, maker) : (maker, taker);
        Traded(buy.AccountId, sell.AccountId, e.Size);
        if (_uncrossing || (taker.Flags & (OrderFlags.ReduceOnly | OrderFlags.Liquidation)) != 0) _capExemptThisCommand = true;
        Assert.True(buy.Price >= e.Price && sell.Price <= e.Price, $"trade outside a limit (buy {buy.Price}, sell {sell.Price}): {e}");

        if (_uncrossing)
        {
            Assert.True(e.Price == _uncrossPrice, $"uncross trade away from the uncross price {_uncrossPrice}: {e}");
            Assert.True(e.OrderId > e.MakerOrderId, $"in an uncross the later-accepted order of a pair is the taker: {e}");
            _uncrossLeft -= e.Size;
        }
        else
        {
            Assert.True(Mode == MarketMode.Open, $"continuous trade in mode {Mode}: {e}");
            Assert.True(e.Price == maker.Price, $"continuous trade away from the maker's price {maker.Price}: {e}");
            Assert.True(taker.AccountId != maker.AccountId || taker.Stp == SelfTradePrevention.None,
                $"self-trade in continuous matching although the taker chose {taker.Stp}: {e}");
            Assert.True((taker.Flags & OrderFlags.PostOnly) == 0, $"a post-only order took liquidity: {e}");
            if (_bandReference > 0)
                Assert.True(Within(e.Price, _bandReference, _terms.Breaker!.BandBps),
                    $"trade outside the {_terms.Breaker.BandBps} bps band around {_bandReference}: {e}");
            if (_terms.Breaker is { VelocityBps: > 0 } rules)
            {
                foreach (var from in _velocityFrom)
                    Assert.True(Within(e.Price, from, rules.VelocityBps),
                        $"trade more than {rules.VelocityBps} bps from {from} within {rules.VelocityWindowMs} ms: {e}");
                _velocityFrom.Add(e.Price);
                RememberTrade(_timestamp, e.Price);
            }
        }
        _lastTrade = e.Price;

        taker.Filled += e.Size;
        maker.Filled += e.Size;
        Assert.True((e.Remaining, e.MakerRemaining) == (taker.Open, maker.Open),
            $"trade's remaining sizes should be ({taker.Open}, {maker.Open}): {e}");
        if (taker.Open == 0) _open.Remove(e.OrderId);
        if (maker.Open == 0) _open.Remove(e.MakerOrderId);
    }

    private void CheckFillOrKill(long orderId)
    {
        var o = _orders[orderId];
        if (o.TimeInForce != TimeInForce.FillOrKill) return;
        Assert.True((o.Filled == o.Size && o.Cancelled == 0) || (o.Filled == 0 && o.Cancelled == o.Size),
            $"fill-or-kill order {orderId} was neither filled whole nor killed whole (filled {o.Filled}, cancelled {o.Cancelled} of {o.Size})");
    }

    /// <summary>
    /// The index state's inner workings (basis, clocks) are the book's; the events must agree with its reading, and a
    /// mark the index moved lies within the rule's band around the index, whatever the book looks like.
    /// </summary>
    private void CheckIndex(IOrderBook book)
    {
        var index = book.Terms.Index;
        Assert.Equal(_indexTicks, index?.Tick.IndexTicks ?? 0);
        if (index is not null) Assert.Equal(_indexStatus, index.Tick.Status);
        if (_indexTicked && index is { Tick.IsTrusted: true, OperatorMark: false } && book.Spec.Index is { } rules)
        {
            var band = (long)((Int128)index.Tick.IndexTicks * rules.MarkTerms.BandBps / 10_000);
            Assert.True(Math.Abs(book.Terms.MarkPrice - index.Tick.IndexTicks) <= band,
                $"mark {book.Terms.MarkPrice} outside the {rules.MarkTerms.BandBps} bps band around index {index.Tick.IndexTicks}");
        }
        _indexTicked = false;
        _terms = _terms with { Index = index };
    }

    private void Traded(long buyer, long seller, long size)
    {
        foreach (var (account, delta) in (ReadOnlySpan<(long, long)>)[(buyer, size), (seller, -size)])
        {
            var before = _positions.GetValueOrDefault(account);
            var after = before + delta;
            _openInterest += Math.Max(0, after) - Math.Max(0, before);
            if (after == 0) _positions.Remove(account);
            else _positions[account] = after;
        }
    }

    private void CheckBook(IOrderBook book)
    {
        Assert.Equal(Mode, book.Mode);
        Assert.Equal(_openInterest, book.Positions.OpenInterest);
        Assert.Equal(_positions.OrderBy(p => p.Key).Select(p => new PositionEntry(p.Key, p.Value)), book.Positions.Entries());
        Assert.Equal(_positions.Where(p => p.Value > 0).Sum(p => p.Value), _positions.Where(p => p.Value < 0).Sum(p => -p.Value));
        CheckIndex(book);
        Assert.Equal(_terms, book.Terms);
        Assert.Equal(_recent, book.Capture().RecentTrades ?? []);
        book.CheckConsistency();
        Assert.Equal(_lastOrderId + 1, book.NextOrderId);

        var resting = 0;
        var best = new long?[2];
        foreach (var side in (Side[])[Side.Buy, Side.Sell])
        {
            var views = book.RestingOrders(side).ToList();
            for (var i = 0; i < views.Count; i++)
            {
                var v = views[i];
                var o = Order(v.OrderId);
                Assert.True(_open.Contains(v.OrderId), $"order rests but its events left nothing open: {v}");
                Assert.True((v.Side, v.AccountId, v.Price, v.Remaining, v.Filled, v.Flags, v.TimeInForce)
                    == (side, o.AccountId, o.Price, o.Open, o.Filled, o.Flags, o.TimeInForce),
                    $"resting order disagrees with its events (price {o.Price}, open {o.Open}, filled {o.Filled}): {v}");
                Assert.True(o.Type == OrderType.Limit && o.TimeInForce == TimeInForce.GoodTillCancel, $"only limit GTC orders rest: {v}");
                Assert.True(book.TryGetOrder(v.OrderId, out var single) && single == v, $"TryGetOrder disagrees with RestingOrders for {v}");
                if (i > 0)
                {
                    var (prev, prevOrder) = (views[i - 1], _orders[views[i - 1].OrderId]);
                    var better = side == Side.Buy ? prev.Price > v.Price : prev.Price < v.Price;
                    Assert.True(better || (prev.Price == v.Price && prevOrder.QueuedAt < o.QueuedAt),
                        $"price-time priority broken between {prev.OrderId} and {v.OrderId} on the {side} side");
                }
            }

            _depth.Clear();
            book.CopyDepth(side, int.MaxValue, _depth);
            var expectedDepth = views.GroupBy(v => v.Price).Select(g => new PriceLevel(g.Key, g.Sum(v => v.Remaining), g.Count()));
            Assert.Equal(expectedDepth, _depth);
            foreach (var level in _depth) Assert.Equal(level, book.LevelAt(side, level.Price));

            Assert.Equal(views.Count > 0, book.TryGetBestPrice(side, out var bestPrice));
            if (views.Count > 0)
            {
                Assert.Equal(views[0].Price, bestPrice);
                best[(int)side] = bestPrice;
            }
            resting += views.Count;
        }
        Assert.Equal(_open.Count, resting);
        Assert.Equal(resting, book.RestingOrderCount);
        if (OrderRules.Matches(Mode) && best[0] is { } bid && best[1] is { } ask)
            Assert.True(bid < ask, $"book crossed in mode {Mode}: bid {bid} >= ask {ask}");
    }
}
