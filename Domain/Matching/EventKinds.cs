namespace Exchange.Matching;

/// <summary>Whose stream an event belongs to.</summary>
public enum EventAudience : byte
{
    /// <summary>Nobody's: answered to the caller (a rejection) or public only (an uncross, a mark tick).</summary>
    None,
    /// <summary>The accounts it names: the order's account, and for a trade the maker's too.</summary>
    Parties,
    /// <summary>Every account of the market (a mode or risk change): delivered in sequence with each account's own events.</summary>
    Market,
}

/// <summary>
/// The table of event kinds: what each changes and whom it concerns. The fields each kind carries are listed on
/// <see cref="MarketEvent"/> and encoded by the kind's entry in the journal codec's layout table; everything else
/// that routes, filters or applies events asks this table, so a new kind is this row, its factory, its codec
/// layout and its tests.
/// <para>
/// A mark tick concerns no account's stream on purpose: marks change several times a second and a market may
/// have 100,000 exposed accounts, so the mark travels as a value stamped with its sequence on every answer and
/// push (see <see cref="MarketEvent"/> MarkPriceSet and the architecture notes), not as a message per account.
/// </para>
/// <para>
/// A change of breaker rules concerns no account either: it decides no money (fees and margin are the risk
/// parameters'); what it causes, a trip, is an ordinary market-wide mode change with the breaker as its actor.
/// </para>
/// </summary>
public static class EventKinds
{
    public static EventAudience AudienceOf(EventKind kind) => kind switch
    {
        EventKind.OrderAccepted or EventKind.TradeExecuted or EventKind.OrderCancelled or EventKind.OrderAmended
            or EventKind.PositionTakenOver or EventKind.PositionDeleveraged or EventKind.LiquidationFeeCharged
            or EventKind.ConditionalAccepted or EventKind.ConditionalCancelled or EventKind.ConditionalTriggered => EventAudience.Parties,
        EventKind.ModeChanged or EventKind.RiskChanged or EventKind.FundingApplied or EventKind.OpenInterestLimitsChanged => EventAudience.Market,
        EventKind.OrderRejected or EventKind.AuctionUncrossed or EventKind.MarkPriceSet or EventKind.IndexPriceSet
            or EventKind.BreakerRulesChanged or EventKind.LiquidationRulesChanged => EventAudience.None,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "an event kind missing from the table"),
    };

    /// <summary>
    /// The second account an event concerns (0: none): a trade's maker, the insurance fund or deleveraged trader that
    /// took a liquidated position, the fund a liquidation fee was paid to. Kept in <see cref="MarketEvent.MakerAccountId"/>.
    /// </summary>
    public static long CounterpartyOf(in MarketEvent e) => e.Kind is EventKind.TradeExecuted or EventKind.PositionTakenOver
        or EventKind.PositionDeleveraged or EventKind.LiquidationFeeCharged ? e.MakerAccountId : 0;

    /// <summary>
    /// Whether a market-wide event of this kind changes what the market's accounts hold or owe: funding moves collateral,
    /// a risk change moves margin. A mode or open-interest change does not (it rules what the book accepts next).
    /// </summary>
    public static bool ChangesAccounts(EventKind kind) => kind is EventKind.FundingApplied or EventKind.RiskChanged;

    /// <summary>Whether an event of this kind took a sequence number and changed state (everything but a rejection).</summary>
    public static bool ChangesState(EventKind kind) => kind != EventKind.OrderRejected;

    /// <summary>Whether the event belongs to this account's stream.</summary>
    public static bool Concerns(long accountId, in MarketEvent e) => AudienceOf(e.Kind) switch
    {
        EventAudience.Parties => e.AccountId == accountId || (CounterpartyOf(e) is var other && other != 0 && other == accountId),
        EventAudience.Market => true,
        _ => false,
    };
}
