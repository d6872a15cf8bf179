namespace Exchange.Matching;

/// <summary>Why a command changed nothing. Stable: the API maps each to an error code.</summary>
public enum RejectReason : byte
{
    None,
    InvalidAccount,
    InvalidPrice,
    InvalidSize,
    InvalidClientOrderId,
    /// <summary>A combination of type, time in force and flags that means nothing (post-only market, ...).</summary>
    InvalidOrderTerms,
    /// <summary>This account already used the client order id; the event's OrderId is the original order.</summary>
    DuplicateClientOrderId,
    PostOnlyWouldTake,
    /// <summary>A market order found no opposite liquidity to price its protection limit against.</summary>
    NoLiquidity,
    OrderNotFound,
    /// <summary>An amend that asks for what the order already is.</summary>
    NoChange,
    MarketHalted,
    MarketCancelOnly,
    /// <summary>The market accepts only orders that rest (market, IOC and FOK are refused).</summary>
    MarketPostOnly,
    /// <summary>During an auction only limit GTC orders are accepted.</summary>
    MarketInAuction,
    /// <summary>Uncross was asked while the market is not in an auction.</summary>
    NotInAuction,
    /// <summary>The book is crossed, so it cannot enter a mode that matches; uncross the auction first.</summary>
    BookCrossed,
    /// <summary>A mode value that does not exist, or the mode the market is already in.</summary>
    InvalidMode,
    /// <summary>Risk parameters that break the schedule's rules (see <see cref="MarketRisk.Problem"/>).</summary>
    InvalidRisk,
    /// <summary>A mode change's actor that does not exist, or a reason that is empty, too long or not printable ASCII.</summary>
    InvalidReason,
    /// <summary>An index tick for a market that follows no index, or one with values that do not exist.</summary>
    NoIndex,
    /// <summary>An amend whose expected open size is no longer the order's: it was filled (or changed) in between.</summary>
    RemainingChanged,
    /// <summary>A limit price beyond the market's price band on its aggressive side (a buy above it, a sell below it).</summary>
    PriceOutsideBand,
    /// <summary>Breaker rules out of range (see <see cref="BreakerRules.Problem"/>).</summary>
    InvalidBreakerRules,
    // Conditional orders' reasons are numbered from 50 (the breaker's from 30, the liquidation engine's from 40).
    /// <summary>A conditional order's trigger price out of range, or a trailing stop's callback out of range.</summary>
    InvalidTrigger = 50,
    /// <summary>A conditional order that would fire as soon as it is accepted (its trigger is already reached).</summary>
    WouldTriggerImmediately = 51,
    // The liquidation engine's reasons are numbered from 40 so that reasons added beside them keep their own range.
    /// <summary>Liquidation rules out of range (see <see cref="Risk.LiquidationRules.Problem"/>).</summary>
    InvalidLiquidationRules = 40,
    /// <summary>A takeover, deleveraging or liquidation fee in a market that has no liquidation rules (so no fund).</summary>
    NoLiquidationRules = 41,
    /// <summary>A takeover or deleveraging with values that do not exist (size, price, parties), or a fee that is not positive.</summary>
    InvalidTransfer = 42,
    /// <summary>Funding for an interval already settled (or an interval that does not exist), or with no mark to settle at.</summary>
    FundingNotDue = 43,
    /// <summary>
    /// A takeover or deleveraging of more than the liquidated account holds on the side it closes, or a deleveraging of
    /// more than the counterparty holds opposite it: a transfer only ever closes, never opens or flips a position (the
    /// fund excepted: it takes over what the book could not).
    /// </summary>
    TransferBeyondPosition = 44,
    // Open-interest limits' reasons are numbered from 60 so that reasons added beside them keep their own range.
    /// <summary>Open-interest limits out of range (see <see cref="Risk.OpenInterestLimits.Problem"/>).</summary>
    InvalidOpenInterestLimits = 60,
    /// <summary>
    /// The order could take the market's open interest beyond its cap: the part of it that would open a position, added
    /// to the open interest now, passes the cap. Orders that only reduce (and liquidation orders) are never refused for it.
    /// </summary>
    OpenInterestLimit = 61,
    /// <summary>
    /// The market's journal is falling behind: an order that adds risk is refused until it catches up (cancels and
    /// reduce-only orders are not). Numbered apart from the values above so that parallel additions do not collide.
    /// </summary>
    Overloaded = 30,
}

/// <summary>Why a quantity left the book without trading.</summary>
public enum CancelReason : byte
{
    None,
    Requested,
    CancelAll,
    /// <summary>The unfilled rest of an IOC or market order.</summary>
    Unfilled,
    /// <summary>A fill-or-kill order that could not fill whole.</summary>
    FillOrKill,
    SelfTradePrevention,
}
