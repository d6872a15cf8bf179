using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>An order that may still trade: resting in the book, or sent and not yet answered (pending).</summary>
public readonly record struct WorkingOrder(Side Side, long Price, long Remaining, bool ReduceOnly);

/// <summary>An account's stake in one market: its position, its working orders, and how far its events are applied.</summary>
public sealed class MarketExposure(MarketSpec spec)
{
    private readonly Dictionary<long, WorkingOrder> _open = [];
    private readonly Dictionary<string, WorkingOrder> _pending = new(StringComparer.Ordinal);
    private Position _position;

    public MarketSpec Spec { get; } = spec;

    /// <summary>The market's fees and margin tiers as of <see cref="Cursor"/>: a risk change applies from its event on.</summary>
    public MarketRisk Risk { get; set; } = spec.RiskTerms;

    /// <summary>The market's open-interest caps as of <see cref="Cursor"/> (null: none): a change applies from its event on.</summary>
    public Exchange.Risk.OpenInterestLimits? OpenInterest { get; set; } = Exchange.Risk.OpenInterestLimits.Normal(spec.OpenInterest);

    /// <summary>The market's mode as of <see cref="Cursor"/> (as far as this account has heard).</summary>
    public MarketMode Mode { get; set; } = MarketMode.Open;

    public ref Position Position => ref _position;

    /// <summary>
    /// The PnL realised here by closing positions (fills, takeovers, deleveragings), since the account's first event here
    /// or a snapshot from before it was kept (0 then): an insurance fund's loss cap counts it.
    /// </summary>
    public long RealisedPnl { get; set; }

    /// <summary>The market sequence of the last event applied to this account.</summary>
    public long Cursor { get; set; }

    public IReadOnlyDictionary<long, WorkingOrder> OpenOrders => _open;

    public int PendingCount => _pending.Count;

    /// <summary>Counts an order toward margin from the moment it is sent, until the market's answer arrives.</summary>
    public void AddPending(string clientOrderId, WorkingOrder order) => _pending.Add(clientOrderId, order);

    public void RemovePending(string clientOrderId) => _pending.Remove(clientOrderId);

    public void Accepted(long orderId, string? clientOrderId, WorkingOrder order)
    {
        if (clientOrderId is not null) _pending.Remove(clientOrderId);
        _open[orderId] = order;
    }

    public void SetRemaining(long orderId, long remaining)
    {
        if (!_open.TryGetValue(orderId, out var order)) return;
        if (remaining <= 0) _open.Remove(orderId);
        else _open[orderId] = order with { Remaining = remaining };
    }

    public void Reduce(long orderId, long size)
    {
        if (_open.TryGetValue(orderId, out var order)) SetRemaining(orderId, order.Remaining - size);
    }

    public void Amended(long orderId, long price, long remaining)
    {
        if (_open.TryGetValue(orderId, out var order)) _open[orderId] = order with { Price = price, Remaining = remaining };
    }

    public void Restore(Position position, long cursor, IEnumerable<KeyValuePair<long, WorkingOrder>> open)
    {
        (_position, Cursor) = (position, cursor);
        foreach (var (id, order) in open) _open[id] = order;
    }

    /// <summary>Everything that may still fill on one side: open and pending orders, reduce-only ones included.</summary>
    public long WorkingSize(Side side) => Working().Where(o => o.Side == side).Sum(o => o.Remaining);

    public long ReduceOnlySize(Side side) =>
        Working().Where(o => o.ReduceOnly && o.Side == side).Sum(o => o.Remaining);

    /// <summary>
    /// Initial margin for the worse of two cases: every buy fills, or every sell fills. Each case is valued at the
    /// worse of the mark and its orders' prices. Reduce-only orders count too: the book does not enforce the flag,
    /// so once other orders have closed the position a reduce-only order could open one. Alone against the
    /// position it reduces, a reduce-only order adds nothing to either case.
    /// </summary>
    public long InitialMargin(long mark, WorkingOrder? extra = null)
    {
        long buys = 0, sells = 0, buyPrice = mark, sellPrice = mark;
        foreach (var o in extra is { } x ? Working().Append(x) : Working())
        {
            if (o.Side == Side.Buy) { buys += o.Remaining; buyPrice = Math.Max(buyPrice, o.Price); }
            else { sells += o.Remaining; sellPrice = Math.Max(sellPrice, o.Price); }
        }
        var size = Position.Size;
        var ifBought = Money.Notional(Spec, buyPrice, Math.Abs(checked(size + buys)));
        var ifSold = Money.Notional(Spec, sellPrice, Math.Abs(checked(size - sells)));
        return MarginSchedule.Initial(Risk, Math.Max(ifBought, ifSold));
    }

    private IEnumerable<WorkingOrder> Working() => _open.Values.Concat(_pending.Values);
}
