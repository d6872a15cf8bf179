namespace Exchange.Matching;

/// <summary>
/// The checks that depend only on the command, the spec and the mode, never on resting orders. Both books call
/// these same rules in the same order, so they reject the same commands for the same reasons.
/// </summary>
public static class OrderRules
{
    public static RejectReason CheckPlace(MarketSpec spec, MarketMode mode, in PlaceOrder o)
    {
        if (o.AccountId <= 0) return RejectReason.InvalidAccount;
        if (mode == MarketMode.Halted) return RejectReason.MarketHalted;
        if (mode == MarketMode.CancelOnly) return RejectReason.MarketCancelOnly;
        if (o.ClientOrderId is not null && !ClientOrderIds.IsValid(o.ClientOrderId)) return RejectReason.InvalidClientOrderId;
        if (!Enum.IsDefined(o.Side) || !Enum.IsDefined(o.Type) || !Enum.IsDefined(o.TimeInForce)
            || !Enum.IsDefined(o.SelfTradePrevention) || (o.Flags & ~(OrderFlags.PostOnly | OrderFlags.ReduceOnly | OrderFlags.Liquidation)) != 0)
            return RejectReason.InvalidOrderTerms;
        var postOnly = (o.Flags & OrderFlags.PostOnly) != 0;
        if (postOnly && (o.Type == OrderType.Market || o.TimeInForce != TimeInForce.GoodTillCancel))
            return RejectReason.InvalidOrderTerms;
        // A market order carries 0, or a cap inside the price range (the price an account reserved its margin at).
        if (o.Type == OrderType.Market ? o.Price != 0 && !spec.IsValidPrice(o.Price) : !spec.IsValidPrice(o.Price)) return RejectReason.InvalidPrice;
        if (!spec.IsValidSize(o.Size)) return RejectReason.InvalidSize;
        var immediate = o.Type == OrderType.Market || o.TimeInForce != TimeInForce.GoodTillCancel;
        if (mode == MarketMode.PostOnly && immediate) return RejectReason.MarketPostOnly;
        if (mode == MarketMode.Auction && immediate) return RejectReason.MarketInAuction;
        return RejectReason.None;
    }

    public static RejectReason CheckAmend(MarketSpec spec, MarketMode mode, in AmendOrder a)
    {
        if (a.AccountId <= 0) return RejectReason.InvalidAccount;
        if (mode == MarketMode.Halted) return RejectReason.MarketHalted;
        if (mode == MarketMode.CancelOnly) return RejectReason.MarketCancelOnly;
        if (!spec.IsValidPrice(a.NewPrice)) return RejectReason.InvalidPrice;
        if (!spec.IsValidSize(a.NewSize)) return RejectReason.InvalidSize;
        if (a.ExpectedRemaining < 0) return RejectReason.InvalidSize;
        return RejectReason.None;
    }

    public static RejectReason CheckCancel(MarketMode mode, long accountId)
    {
        if (accountId <= 0) return RejectReason.InvalidAccount;
        if (mode == MarketMode.Halted) return RejectReason.MarketHalted;
        return RejectReason.None;
    }

    public static RejectReason CheckMark(MarketSpec spec, MarketTerms terms, long price) =>
        price != 0 && !spec.IsValidPrice(price) ? RejectReason.InvalidPrice
        : price == terms.MarkPrice ? RejectReason.NoChange
        : RejectReason.None;

    public static RejectReason CheckRisk(MarketRisk current, MarketRisk? risk) =>
        risk is null || risk.Problem() is not null ? RejectReason.InvalidRisk
        : risk.Equals(current) ? RejectReason.NoChange
        : RejectReason.None;

    public static RejectReason CheckBreaker(MarketTerms terms, BreakerRules? rules) =>
        rules is null || rules.Problem() is not null ? RejectReason.InvalidBreakerRules
        : Equals(MarketTerms.Normal(rules), terms.Breaker) ? RejectReason.NoChange
        : RejectReason.None;

    public static RejectReason CheckLiquidationRules(MarketTerms terms, Risk.LiquidationRules? rules) =>
        rules is null || rules.Problem() is not null ? RejectReason.InvalidLiquidationRules
        : Equals(rules, terms.Liquidation) ? RejectReason.NoChange
        : RejectReason.None;

    public static RejectReason CheckOpenInterestLimits(MarketTerms terms, Risk.OpenInterestLimits? limits) =>
        limits is null || limits.Problem() is not null ? RejectReason.InvalidOpenInterestLimits
        : Equals(Risk.OpenInterestLimits.Normal(limits), terms.OpenInterest) ? RejectReason.NoChange
        : RejectReason.None;

    /// <summary>
    /// The market's open-interest cap on an order that may trade (a new order, or an amend that grows an order or moves it
    /// across the spread): refused when the part of it that opens a position could take open interest past the cap (see
    /// <see cref="MarketPositions.MarketCapExceeded"/>). Reduce-only and liquidation orders are never refused by it: they
    /// can only lower open interest, and a venue must always let a position be closed.
    /// </summary>
    public static RejectReason CheckOpenInterest(MarketTerms terms, MarketPositions positions, long accountId, Side side, long size,
        OrderFlags flags) =>
        (flags & (OrderFlags.ReduceOnly | OrderFlags.Liquidation)) == 0 && positions.MarketCapExceeded(terms.OpenInterest, accountId, side, size)
            ? RejectReason.OpenInterestLimit : RejectReason.None;

    /// <summary>
    /// A position moved outside the book (a takeover by the fund or a deleveraging): the market must have liquidation rules,
    /// a mode that trades (never during a halt, a cancel-only spell or an auction: liquidation waits for the market to
    /// reopen, it does not fight the breaker or act on an untrusted price), and the values must exist. A takeover's
    /// counterparty is the rules' fund.
    /// </summary>
    public static RejectReason CheckTransfer(MarketSpec spec, MarketMode mode, MarketTerms terms, in Risk.PositionTransfer t)
    {
        if (terms.Liquidation is not { } rules) return RejectReason.NoLiquidationRules;
        if (mode is MarketMode.Halted) return RejectReason.MarketHalted;
        if (mode is MarketMode.CancelOnly) return RejectReason.MarketCancelOnly;
        if (mode is MarketMode.Auction) return RejectReason.MarketInAuction;
        if (t.AccountId <= 0 || t.CounterpartyId <= 0 || t.AccountId == t.CounterpartyId) return RejectReason.InvalidAccount;
        if (!Enum.IsDefined(t.Side) || t.Kind is not (Risk.PositionTransferKind.Takeover or Risk.PositionTransferKind.Deleverage)) return RejectReason.InvalidTransfer;
        if (t.Kind == Risk.PositionTransferKind.Takeover && t.CounterpartyId != rules.FundAccountId) return RejectReason.InvalidTransfer;
        if (t.Kind == Risk.PositionTransferKind.Deleverage && t.CounterpartyId == rules.FundAccountId) return RejectReason.InvalidTransfer;
        if (!spec.IsValidPrice(t.Price)) return RejectReason.InvalidPrice;
        if (t.Size <= 0 || t.Size > spec.MaxSize) return RejectReason.InvalidSize;
        return RejectReason.None;
    }

    public static RejectReason CheckFee(MarketTerms terms, long accountId, long amount) =>
        terms.Liquidation is not { } rules ? RejectReason.NoLiquidationRules
        : accountId <= 0 || accountId == rules.FundAccountId ? RejectReason.InvalidAccount
        : amount <= 0 ? RejectReason.InvalidTransfer
        : RejectReason.None;

    /// <summary>Whether a mode lets orders trade on arrival (so the book must not be crossed when entering it).</summary>
    public static bool Matches(MarketMode mode) => mode is MarketMode.Open or MarketMode.PostOnly;

    /// <summary>Would a limit price trade against the best opposite price?</summary>
    public static bool Crosses(Side side, long price, long bestOpposite) =>
        side == Side.Buy ? price >= bestOpposite : price <= bestOpposite;

    /// <summary>
    /// The worst price a market order may trade at: the best opposite price plus protection, kept inside the spec, and
    /// no worse than the order's own cap if it carries one (a price other than 0).
    /// </summary>
    public static long MarketLimit(MarketSpec spec, Side side, long bestOpposite, long cap = 0) =>
        side == Side.Buy
            ? Math.Min(cap > 0 ? cap : spec.MaxPrice, Math.Min(spec.MaxPrice, bestOpposite + spec.MarketProtectionTicks))
            : Math.Max(cap > 0 ? cap : spec.MinPrice, Math.Max(spec.MinPrice, bestOpposite - spec.MarketProtectionTicks));
}
