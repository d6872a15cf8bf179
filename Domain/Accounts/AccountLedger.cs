using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// One account's money, positions and orders, and the margin rules over them: pure and deterministic (marks come
/// in as arguments). Market events are applied in each market's sequence order, each exactly once: a per-market
/// cursor remembers the last one applied, and a batch whose predecessor the ledger has not seen is refused as a
/// gap for the caller to fill.
/// </summary>
public sealed class AccountLedger
{
    private readonly Dictionary<string, MarketExposure> _markets = new(StringComparer.Ordinal);

    public AccountLedger(long accountId) => AccountId = accountId;

    public long AccountId { get; }
    public long Collateral { get; private set; }
    public long Deposited { get; private set; }
    public long Withdrawn { get; private set; }
    public long FeesPaid { get; private set; }
    public long RealisedPnl { get; private set; }

    /// <summary>Funding paid (positive) or received (negative) over the account's life; summed over all accounts it is what
    /// the venue kept from rounding, never less than zero.</summary>
    public long FundingPaid { get; private set; }

    public IReadOnlyCollection<MarketExposure> Markets => _markets.Values;

    public MarketExposure Track(MarketSpec spec)
    {
        if (!_markets.TryGetValue(spec.Symbol, out var exposure)) _markets[spec.Symbol] = exposure = new MarketExposure(spec);
        return exposure;
    }

    public MarketExposure? Find(string symbol) => _markets.GetValueOrDefault(symbol);

    public void Deposit(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        Collateral = checked(Collateral + amount);
        Deposited = checked(Deposited + amount);
    }

    public AccountReject CheckWithdrawal(long amount, Func<string, long> markOf)
    {
        if (amount <= 0) return AccountReject.InvalidAmount;
        // Unrealised profit is not withdrawable and unrealised loss is counted; what stays must cover initial
        // margin and at least 10% of position notional (the rule adopted after the Mar-2025 whale withdrawal).
        var notional = _markets.Values.Sum(m => m.Position.Notional(m.Spec, MarkFor(m, markOf)));
        var floor = Math.Max(InitialMargin(markOf), Money.CeilDiv(notional, 10));
        var withdrawable = Math.Min(Collateral, Equity(markOf)) - floor;
        return amount <= withdrawable ? AccountReject.None : AccountReject.InsufficientFunds;
    }

    public void Withdraw(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        Collateral = checked(Collateral - amount);
        Withdrawn = checked(Withdrawn + amount);
    }

    /// <summary>Reverses a withdrawal whose write failed.</summary>
    public void UndoWithdrawal(long amount)
    {
        Collateral = checked(Collateral + amount);
        Withdrawn = checked(Withdrawn - amount);
    }

    /// <summary>
    /// Whether an order fits: a reduce-only order must shrink the position (with the account's other reduce-only
    /// orders); any other order must leave what backs new exposure covering initial margin for the worst case of the
    /// position and all open and pending orders, this one included, valued at the worse of mark and limit price.
    /// What backs new exposure is collateral plus unrealised losses, never unrealised profit: a profit exists only at
    /// the mark, and a mark pushed by a self-trade in a thin market must not buy real exposure elsewhere.
    /// </summary>
    /// <param name="grows">False for an amend that only moves an order's price: it adds nothing a position cap could refuse.</param>
    public AccountReject CheckOrder(MarketSpec spec, Side side, long price, long size, bool reduceOnly, Func<string, long> markOf,
        bool grows = true)
    {
        var exposure = Track(spec);
        if (reduceOnly)
        {
            var position = exposure.Position.Size;
            var reducing = side == Side.Buy ? position < 0 : position > 0;
            return reducing && exposure.ReduceOnlySize(side) + size <= Math.Abs(position)
                ? AccountReject.None : AccountReject.ReduceOnlyWouldIncrease;
        }
        if (grows && exposure.OpenInterest is { } limits && limits.AccountCapExceeded(exposure.Position.Size, side, exposure.WorkingSize(side), size))
            return AccountReject.OpenInterestLimit;
        var required = InitialMargin(markOf) - exposure.InitialMargin(MarkFor(exposure, markOf))
                       + exposure.InitialMargin(MarkFor(exposure, markOf), new WorkingOrder(side, price, size, ReduceOnly: false));
        return EquityForNewExposure(markOf) >= required ? AccountReject.None : AccountReject.InsufficientMargin;
    }

    /// <summary>Collateral plus each market's unrealised PnL counted only when it is a loss.</summary>
    public long EquityForNewExposure(Func<string, long> markOf) =>
        checked(Collateral + _markets.Values.Sum(m => Math.Min(0, m.Position.UnrealisedPnl(m.Spec, MarkFor(m, markOf)))));

    /// <summary>
    /// Checks a new order and, if it fits, holds its margin until the market answers. The margin is reserved at the
    /// order's limit, or for a market order at its protection limit around the mark (with no mark yet, the spec's
    /// extreme price): the worst price it can trade at as far as the account can tell.
    /// </summary>
    public AccountReject TryReserve(MarketSpec spec, in PlaceOrder order, Func<string, long> markOf, out Reservation? reservation)
    {
        reservation = null;
        var price = ReservationPrice(spec, order, markOf(spec.Symbol));
        var reduceOnly = (order.Flags & OrderFlags.ReduceOnly) != 0;
        var reject = CheckOrder(spec, order.Side, price, order.Size, reduceOnly, markOf);
        if (reject != AccountReject.None) return reject;
        var key = order.ClientOrderId ?? throw new ArgumentException("a reserved order needs its client order id", nameof(order));
        reservation = new Reservation(Track(spec), key, new WorkingOrder(order.Side, price, order.Size, reduceOnly));
        return AccountReject.None;
    }

    /// <summary>
    /// Checks an amend of an order this ledger holds open. Shrinking, or moving the price without growing, always
    /// fits and needs no reservation (null); growing must fit like a new order of the difference at the worse of the
    /// two prices, and holds that difference until the market answers.
    /// </summary>
    public AccountReject TryReserveAmend(MarketExposure market, WorkingOrder current, long newPrice, long newSize,
        Func<string, long> markOf, out Reservation? reservation)
    {
        reservation = null;
        var growth = Math.Max(0, newSize - current.Remaining);
        if (growth == 0 && newPrice == current.Price) return AccountReject.None;
        var price = Math.Max(newPrice, current.Price);
        var reject = CheckOrder(market.Spec, current.Side, price, Math.Max(growth, 1), current.ReduceOnly, markOf, grows: growth > 0);
        if (reject != AccountReject.None || growth == 0) return reject;
        reservation = new Reservation(market, $"~amend-{Guid.NewGuid():N}", new WorkingOrder(current.Side, price, growth, current.ReduceOnly));
        return AccountReject.None;
    }

    /// <summary>Checks a withdrawal and, if it is allowed, debits it until its write is known to be durable or failed.</summary>
    public AccountReject TryHoldWithdrawal(long amount, Func<string, long> markOf, out WithdrawalHold? hold)
    {
        hold = null;
        var reject = CheckWithdrawal(amount, markOf);
        if (reject == AccountReject.None) hold = new WithdrawalHold(this, amount);
        return reject;
    }

    /// <summary>
    /// The price an order's margin is reserved at (see <see cref="TryReserve"/>): a limit order's price, a market order's
    /// cap if it carries one, else the market order's protection limit around the mark. The account sends a market
    /// order with this as its cap, so that the book never fills it beyond what was reserved, however far the book is
    /// from the mark.
    /// </summary>
    public static long ReservationPrice(MarketSpec spec, in PlaceOrder order, long mark)
    {
        if (order.Type == OrderType.Limit || order.Price > 0) return order.Price;
        if (mark <= 0) return order.Side == Side.Buy ? spec.MaxPrice : spec.MinPrice;
        return OrderRules.MarketLimit(spec, order.Side, mark);
    }

    public long Equity(Func<string, long> markOf) =>
        checked(Collateral + _markets.Values.Sum(m => m.Position.UnrealisedPnl(m.Spec, MarkFor(m, markOf))));

    public long InitialMargin(Func<string, long> markOf) =>
        _markets.Values.Sum(m => m.InitialMargin(MarkFor(m, markOf)));

    public long MaintenanceMargin(Func<string, long> markOf) =>
        _markets.Values.Sum(m => MarginSchedule.Maintenance(m.Risk, m.Position.Notional(m.Spec, MarkFor(m, markOf))));

    /// <summary>
    /// Applies a market's events for this account that follow <paramref name="previous"/>, the sequence of this
    /// account's event in that market just before them. False (and nothing applied) when the ledger has not
    /// reached <paramref name="previous"/>: events are missing and must be fetched first.
    /// </summary>
    public bool Apply(string symbol, long previous, ReadOnlySpan<MarketEvent> events)
    {
        var exposure = _markets[symbol];
        if (previous > exposure.Cursor) return false;
        foreach (ref readonly var e in events)
        {
            if (e.Sequence <= exposure.Cursor) continue;
            Apply(exposure, e);
            exposure.Cursor = e.Sequence;
        }
        return true;
    }

    /// <summary>Moves a market's cursor to a sequence the market vouches this account has no further events up to.</summary>
    public void AdvanceCursor(string symbol, long completeThrough)
    {
        var exposure = _markets[symbol];
        if (completeThrough > exposure.Cursor) exposure.Cursor = completeThrough;
    }

    public void Restore(long collateral, long deposited, long withdrawn, long feesPaid, long realisedPnl, long fundingPaid = 0) =>
        (Collateral, Deposited, Withdrawn, FeesPaid, RealisedPnl, FundingPaid) = (collateral, deposited, withdrawn, feesPaid, realisedPnl, fundingPaid);

    private void Apply(MarketExposure m, in MarketEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.OrderAccepted when e.AccountId == AccountId:
                m.Accepted(e.OrderId, e.ClientOrderId, new WorkingOrder(e.Side, e.Price, e.Size, (e.Flags & OrderFlags.ReduceOnly) != 0));
                break;
            case EventKind.TradeExecuted:
                if (e.AccountId == AccountId)
                {
                    Settle(m, e.Side, e.Price, e.Size, m.Risk.TakerFeeBps);
                    m.SetRemaining(e.OrderId, e.Remaining);
                }
                if (e.MakerAccountId == AccountId)
                {
                    Settle(m, e.Side.Opposite(), e.Price, e.Size, m.Risk.MakerFeeBps);
                    m.SetRemaining(e.MakerOrderId, e.MakerRemaining);
                }
                break;
            case EventKind.OrderCancelled when e.AccountId == AccountId:
                m.Reduce(e.OrderId, e.Size);
                break;
            case EventKind.OrderAmended when e.AccountId == AccountId:
                m.Amended(e.OrderId, e.Price, e.Size);
                break;
            case EventKind.PositionTakenOver or EventKind.PositionDeleveraged:
                // A liquidation step outside the book: the position moves at the bankruptcy price, with no trading fee.
                if (e.AccountId == AccountId) Settle(m, e.Side, e.Price, e.Size, 0);
                if (e.MakerAccountId == AccountId) Settle(m, e.Side.Opposite(), e.Price, e.Size, 0);
                break;
            case EventKind.LiquidationFeeCharged:
                if (e.AccountId == AccountId) Collateral = checked(Collateral - e.Size);
                if (e.MakerAccountId == AccountId) Collateral = checked(Collateral + e.Size);
                break;
            case EventKind.FundingApplied:
                var payment = Risk.FundingRate.Payment(m.Position.Size, e.Price, m.Spec.NotionalPerTickLot, e.Size);
                Collateral = checked(Collateral - payment);
                FundingPaid = checked(FundingPaid + payment);
                break;
            case EventKind.RiskChanged:
                m.Risk = e.Risk!;
                break;
            case EventKind.OpenInterestLimitsChanged:
                m.OpenInterest = Risk.OpenInterestLimits.Normal(e.OpenInterest);
                break;
            case EventKind.ModeChanged:
                m.Mode = e.Mode;
                break;
        }
    }

    private void Settle(MarketExposure m, Side side, long price, long size, int feeBps)
    {
        var realised = m.Position.Fill(m.Spec, side, price, size);
        var fee = Money.Fee(Money.Notional(m.Spec, price, size), feeBps);
        Collateral = checked(Collateral + realised - fee);
        RealisedPnl = checked(RealisedPnl + realised);
        m.RealisedPnl = checked(m.RealisedPnl + realised);
        FeesPaid = checked(FeesPaid + fee);
    }

    /// <summary>The mark, or for a market with no mark yet, the position's entry price rounded against the trader.</summary>
    private static long MarkFor(MarketExposure m, Func<string, long> markOf)
    {
        var mark = markOf(m.Spec.Symbol);
        if (mark > 0 || m.Position.Size == 0) return mark;
        var perTick = (Int128)Math.Abs(m.Position.Size) * m.Spec.NotionalPerTickLot;
        var cost = (Int128)Math.Abs(m.Position.Cost);
        // A long is valued at the entry rounded down, a short at the entry rounded up: never a phantom profit.
        return checked((long)(m.Position.Size > 0 ? cost / perTick : (cost + perTick - 1) / perTick));
    }
}
