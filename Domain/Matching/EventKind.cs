namespace Exchange.Matching;

public enum EventKind : byte
{
    OrderAccepted,
    OrderRejected,
    TradeExecuted,
    OrderCancelled,
    OrderAmended,
    ModeChanged,
    AuctionUncrossed,
    /// <summary>The market's mark price was set (or cleared to 0: the last trade price serves).</summary>
    MarkPriceSet,
    /// <summary>The market's fees and margin tiers changed.</summary>
    RiskChanged,
    /// <summary>A reading of the index the market follows was journaled (its mark may move with it, in its own event).</summary>
    IndexPriceSet,
    /// <summary>The market's price band and velocity rules changed (an operator's command).</summary>
    BreakerRulesChanged,
}
