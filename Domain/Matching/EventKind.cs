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
}
