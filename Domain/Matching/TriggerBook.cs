namespace Exchange.Matching;

/// <summary>
/// A market's conditional orders (stop, take-profit, trailing stop), beside its order book: pure and deterministic like
/// the book. It reads no clock and places nothing itself: <see cref="Collect"/> is given the prices a command left the
/// market at and hands back, in acceptance order (the order of their ids), the orders that fired, removed; the caller
/// places them. The same commands in the same order therefore fire the same orders in the same order, on replay too.
/// <para>
/// Checked once per price-moving command, against the prices that command left (not every price a sweep passed
/// through). Ids are numbered apart from resting orders. A live client order id is unique per account here (a repeat
/// finds the original); once an order fires or is cancelled its client order id is free for the order it places.
/// </para>
/// </summary>
public sealed class TriggerBook
{
    public const int MinCallbackBps = 10, MaxCallbackBps = 1_000;

    // In id order: ids only grow, so appending keeps it sorted.
    private readonly List<ConditionalOrder> _orders = [];
    private readonly Dictionary<(long AccountId, string ClientOrderId), long> _byClientId = [];
    private readonly List<ConditionalOrder> _fired = [];

    public TriggerBook(long nextId = 1, IEnumerable<ConditionalOrder>? orders = null)
    {
        NextId = nextId;
        foreach (var order in orders ?? []) Keep(order);
    }

    /// <summary>The id the next accepted conditional order gets.</summary>
    public long NextId { get; private set; }

    public int Count => _orders.Count;

    public IReadOnlyList<ConditionalOrder> Orders => _orders;

    /// <summary>
    /// Checks the terms against the spec and the current price of their source (0: none yet): a trigger price (a trailing
    /// stop's callback) that is out of range, an order the book would refuse on its own terms, or an order that would fire
    /// at once. Mode checks are the caller's (the book's rules).
    /// </summary>
    public static RejectReason Check(MarketSpec spec, in ConditionalTerms terms, long currentPrice)
    {
        if (!Enum.IsDefined(terms.Kind) || !Enum.IsDefined(terms.Source)) return RejectReason.InvalidOrderTerms;
        var o = terms.Order;
        if ((o.Flags & OrderFlags.PostOnly) != 0 || (o.Type == OrderType.Market && o.Price != 0)) return RejectReason.InvalidOrderTerms;
        if (o.Type == OrderType.Limit && !spec.IsValidPrice(o.Price)) return RejectReason.InvalidPrice;
        if (!spec.IsValidSize(o.Size)) return RejectReason.InvalidSize;
        if (terms.Kind == TriggerKind.TrailingStop
            ? terms.TriggerPrice != 0 || terms.CallbackBps is < MinCallbackBps or > MaxCallbackBps
            : terms.CallbackBps != 0 || !spec.IsValidPrice(terms.TriggerPrice))
            return RejectReason.InvalidTrigger;
        if (new ConditionalOrder(0, terms, 0, 0).FiresAt(currentPrice)) return RejectReason.WouldTriggerImmediately;
        return RejectReason.None;
    }

    /// <summary>
    /// Accepts a conditional order into this book, or rejects it (the market's mode, the terms, a client order id the
    /// account already uses here or on a resting order); the event takes the book's next sequence number.
    /// </summary>
    public void Place(IOrderBook book, in ConditionalTerms terms, long timestamp, EventBuffer events)
    {
        var o = terms.Order;
        var current = PriceOf(book, terms.Source);
        var reject = o.AccountId <= 0 ? RejectReason.InvalidAccount
            : book.Mode == MarketMode.Halted ? RejectReason.MarketHalted
            : book.Mode == MarketMode.CancelOnly ? RejectReason.MarketCancelOnly
            : o.ClientOrderId is not { } id || !ClientOrderIds.IsValid(id) ? RejectReason.InvalidClientOrderId
            : Check(book.Spec, terms, current);
        long existing = 0;
        if (reject == RejectReason.None && ((existing = FindByClientId(o.AccountId, o.ClientOrderId!)) != 0
                || book.TryGetOrderId(o.AccountId, o.ClientOrderId!, out _)))
            reject = RejectReason.DuplicateClientOrderId;
        if (reject != RejectReason.None)
        {
            events.Add(MarketEvent.Rejected(book.Sequence, timestamp, o.AccountId, reject, o.ClientOrderId, existing));
            return;
        }
        var accepted = Add(terms, current, timestamp);
        events.Add(MarketEvent.ConditionalPlaced(book.TakeSequence(), timestamp, accepted));
    }

    /// <summary>Cancels an account's conditional order by id (non-zero) or else by client order id.</summary>
    public void Cancel(IOrderBook book, long accountId, long id, string? clientOrderId, long timestamp, EventBuffer events)
    {
        if (id == 0 && clientOrderId is not null) id = FindByClientId(accountId, clientOrderId);
        var reject = OrderRules.CheckCancel(book.Mode, accountId);
        if (reject == RejectReason.None)
        {
            if (TryRemove(accountId, id, out var removed))
            {
                events.Add(MarketEvent.ConditionalRemoved(book.TakeSequence(), timestamp, removed, CancelReason.Requested));
                return;
            }
            reject = RejectReason.OrderNotFound;
        }
        events.Add(MarketEvent.Rejected(book.Sequence, timestamp, accountId, reject, clientOrderId, id));
    }

    /// <summary>Cancels every conditional order of the account, in id order (beside the book's cancel-all).</summary>
    public void CancelAll(IOrderBook book, long accountId, long timestamp, EventBuffer events)
    {
        if (OrderRules.CheckCancel(book.Mode, accountId) != RejectReason.None) return; // the book's cancel-all said why
        for (var i = 0; i < _orders.Count; i++)
        {
            if (_orders[i].AccountId != accountId) continue;
            var removed = _orders[i];
            RemoveAt(i--);
            events.Add(MarketEvent.ConditionalRemoved(book.TakeSequence(), timestamp, removed, CancelReason.CancelAll));
        }
    }

    /// <summary>
    /// Fires what the book's prices now reach, in id order, one ConditionalTriggered event each: run at the end of every
    /// command that may have moved the mark or the last price, inside that command.
    /// </summary>
    public void Fire(IOrderBook book, long timestamp, EventBuffer events)
    {
        if (_orders.Count == 0) return;
        var last = book.LastTradePrice;
        _fired.Clear();
        Collect(PriceOf(book, TriggerSource.MarkPrice), last, _fired);
        foreach (var c in _fired)
            events.Add(MarketEvent.ConditionalFired(book.TakeSequence(), timestamp, c.Id, c.Terms.Order, PriceOf(book, c.Terms.Source), c.EffectiveTrigger));
    }

    /// <summary>The price a source reads now: the mark (the journaled mark, else the last trade), or the last trade.</summary>
    public static long PriceOf(IOrderBook book, TriggerSource source) =>
        source == TriggerSource.MarkPrice && book.Terms.MarkPrice != 0 ? book.Terms.MarkPrice : book.LastTradePrice;

    /// <summary>The live conditional order of an account under a client order id (0: none).</summary>
    public long FindByClientId(long accountId, string clientOrderId) =>
        _byClientId.GetValueOrDefault((accountId, clientOrderId));

    /// <summary>Accepts checked terms (see <see cref="Check"/>); a trailing stop starts from the current price of its source.</summary>
    public ConditionalOrder Add(in ConditionalTerms terms, long currentPrice, long timestamp)
    {
        var order = new ConditionalOrder(NextId++, terms, 0, timestamp).Seeing(currentPrice);
        Keep(order);
        return order;
    }

    public bool TryGet(long id, out ConditionalOrder order)
    {
        var at = IndexOf(id);
        order = at >= 0 ? _orders[at] : default;
        return at >= 0;
    }

    /// <summary>Removes an account's conditional order; false if it has none with that id.</summary>
    public bool TryRemove(long accountId, long id, out ConditionalOrder removed)
    {
        var at = IndexOf(id);
        if (at < 0 || _orders[at].AccountId != accountId)
        {
            removed = default;
            return false;
        }
        removed = _orders[at];
        RemoveAt(at);
        return true;
    }

    /// <summary>
    /// Shows every order the market's prices as a command left them, and moves those that fire into
    /// <paramref name="fired"/>, in id order. A price of 0 means the market has none yet of that source.
    /// </summary>
    public void Collect(long markPrice, long lastPrice, List<ConditionalOrder> fired)
    {
        var kept = 0;
        for (var i = 0; i < _orders.Count; i++)
        {
            var order = _orders[i];
            var price = order.Terms.Source == TriggerSource.MarkPrice ? markPrice : lastPrice;
            // The trigger is judged before the extreme moves: a trailing stop fires on the price that falls through it,
            // and a new extreme in the same observation can only move it away from firing.
            if (order.FiresAt(price))
            {
                fired.Add(order);
                if (order.Terms.Order.ClientOrderId is { } id) _byClientId.Remove((order.AccountId, id));
                continue;
            }
            _orders[kept++] = order.Seeing(price);
        }
        _orders.RemoveRange(kept, _orders.Count - kept);
    }

    /// <summary>Folds every order (in id order) and the next id into a running hash.</summary>
    public void AddTo(ref Fnv64 hash)
    {
        hash.Add(NextId);
        hash.Add(_orders.Count);
        foreach (var o in _orders)
        {
            hash.Add(o.Id);
            hash.Add(o.Extreme);
            hash.Add(o.AcceptedAt);
            hash.Add(((long)o.Terms.Kind << 8) | (long)o.Terms.Source);
            hash.Add(o.Terms.TriggerPrice);
            hash.Add(o.Terms.CallbackBps);
            var p = o.Terms.Order;
            hash.Add(p.AccountId);
            hash.Add(((long)p.Side << 24) | ((long)p.Type << 16) | ((long)p.TimeInForce << 8) | (long)p.Flags);
            hash.Add(p.Price);
            hash.Add(p.Size);
            hash.Add((long)p.SelfTradePrevention);
            hash.Add(p.ClientOrderId);
        }
    }

    /// <summary>A hash of everything that decides what fires and when; equal for books in the same state.</summary>
    public ulong StateHash()
    {
        var hash = new Fnv64();
        AddTo(ref hash);
        return hash.Value;
    }

    private void Keep(in ConditionalOrder order)
    {
        _orders.Add(order);
        if (order.Terms.Order.ClientOrderId is { } id) _byClientId[(order.AccountId, id)] = order.Id;
    }

    private void RemoveAt(int at)
    {
        if (_orders[at].Terms.Order.ClientOrderId is { } id) _byClientId.Remove((_orders[at].AccountId, id));
        _orders.RemoveAt(at);
    }

    private int IndexOf(long id)
    {
        int low = 0, high = _orders.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var at = _orders[mid].Id;
            if (at == id) return mid;
            if (at < id) low = mid + 1;
            else high = mid - 1;
        }
        return -1;
    }
}
