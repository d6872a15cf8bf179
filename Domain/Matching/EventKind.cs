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
    // Numbered from 20 so that kinds appended on other branches keep their values.
    /// <summary>A conditional order (stop, take-profit, trailing stop) was accepted into the trigger book.</summary>
    ConditionalAccepted = 20,
    /// <summary>A conditional order was cancelled before it fired.</summary>
    ConditionalCancelled = 21,
    /// <summary>A conditional order fired: it left the trigger book, and its account now places the order it carries.</summary>
    ConditionalTriggered = 22,
    // The liquidation engine's kinds are numbered from 40 so that kinds added beside them keep their own range.
    /// <summary>The market's liquidation rules (insurance fund, fee, slices, fund cap) changed.</summary>
    LiquidationRulesChanged = 40,
    /// <summary>The insurance fund took over (part of) a liquidated position at its bankruptcy price, outside the book.</summary>
    PositionTakenOver = 41,
    /// <summary>A profitable opposite position was closed against a bankrupt one at its bankruptcy price (auto-deleveraging).</summary>
    PositionDeleveraged = 42,
    /// <summary>A liquidated account paid its liquidation fee to the market's insurance fund.</summary>
    LiquidationFeeCharged = 43,
    /// <summary>A funding interval settled at a rate: every position in the market pays or receives its share.</summary>
    FundingApplied = 44,
    // Open-interest limits are numbered from 60 so that kinds added beside them keep their own range.
    /// <summary>The market's open-interest caps (its total, one account's position) changed: a market-wide event, since
    /// every account checks its own cap before each order.</summary>
    OpenInterestLimitsChanged = 60,
}
