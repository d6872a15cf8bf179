using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// A command to one market. The journal stores these with the events they caused; recovery runs them again
/// and requires the same events, so a command must mean the same thing forever: append fields, never reorder.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketCommand")]
public abstract record MarketCommand;

/// <param name="AccountCursor">For a liquidation order placed for the account by the liquidator: the account's cursor in
/// this market the order was decided at; the market refuses it if the account moved since (checked, never journaled).
/// -1 (every order an account sends itself): not checked.</param>
[GenerateSerializer, Immutable, Alias("PlaceCommand")]
public sealed record PlaceCommand(PlaceOrder Order, long AccountCursor = -1) : MarketCommand;

[GenerateSerializer, Immutable, Alias("CancelCommand")]
public sealed record CancelCommand(CancelOrder Cancel) : MarketCommand;

[GenerateSerializer, Immutable, Alias("AmendCommand")]
public sealed record AmendCommand(AmendOrder Amend) : MarketCommand;

[GenerateSerializer, Immutable, Alias("CancelAllCommand")]
public sealed record CancelAllCommand(long AccountId) : MarketCommand;

/// <summary>Changes the mode; the cause (who, and why) is journaled with it and shown with the market.</summary>
[GenerateSerializer, Immutable, Alias("SetModeCommand")]
public sealed record SetModeCommand(MarketMode Mode, ModeCause Cause = default) : MarketCommand;

[GenerateSerializer, Immutable, Alias("UncrossCommand")]
public sealed record UncrossCommand(long ReferencePrice) : MarketCommand;

/// <summary>Sets the mark price accounts are margined at (0 clears it: the last trade price serves).</summary>
[GenerateSerializer, Immutable, Alias("SetMarkPriceCommand")]
public sealed record SetMarkPriceCommand(long Price) : MarketCommand;

/// <summary>Replaces the market's fees and margin tiers; they apply to every event after this one.</summary>
[GenerateSerializer, Immutable, Alias("SetRiskCommand")]
public sealed record SetRiskCommand(MarketRisk Risk) : MarketCommand;

/// <summary>
/// A reading of the market's index, converted to its ticks (from the oracle, or the market's own restart or silence
/// rule): moves the mark, may step the margin schedule and the mode. See <c>IndexFollowing</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApplyIndexCommand")]
public sealed record ApplyIndexCommand(IndexTick Tick) : MarketCommand;

/// <summary>
/// Sets the market's price band and velocity rules (<c>BreakerRules.Off</c> switches them off): an operator's word,
/// journaled like every other change of the market's terms.
/// </summary>
[GenerateSerializer, Immutable, Alias("SetBreakerRulesCommand")]
public sealed record SetBreakerRulesCommand(BreakerRules Rules) : MarketCommand;

/// <summary>
/// Accepts a conditional order (stop, take-profit, trailing stop) into the market's trigger book. It reserves nothing:
/// when it fires, its account places the order it carries like any new order (margin checked then).
/// </summary>
[GenerateSerializer, Immutable, Alias("PlaceConditionalCommand")]
public sealed record PlaceConditionalCommand(ConditionalTerms Terms) : MarketCommand;

/// <summary>Cancels a conditional order that has not fired, by id (non-zero) or else by client order id.</summary>
[GenerateSerializer, Immutable, Alias("CancelConditionalCommand")]
public sealed record CancelConditionalCommand(long AccountId, long ConditionalId, string? ClientOrderId = null) : MarketCommand;

/// <summary>Sets the market's open-interest caps (its total, one account's position; 0: no cap): an operator's word, journaled.</summary>
[GenerateSerializer, Immutable, Alias("SetOpenInterestLimitsCommand")]
public sealed record SetOpenInterestLimitsCommand(Risk.OpenInterestLimits Limits) : MarketCommand;

/// <summary>Sets how the market liquidates (its insurance fund, fee, slices, fund cap): an operator's word, journaled.</summary>
[GenerateSerializer, Immutable, Alias("SetLiquidationRulesCommand")]
public sealed record SetLiquidationRulesCommand(Risk.LiquidationRules Rules) : MarketCommand;

/// <summary>
/// A liquidation step outside the book: the fund takes (part of) a position over, or a trader is deleveraged.
/// <paramref name="AccountCursor"/> (-1: none) is a precondition the market grain checks before running it, never
/// journaled: the liquidated account's last event in the market must be no later than this, the sequence up to which the
/// account decided the step. A step sent twice (a retry, a new activation while the old one's message was in flight)
/// finds the account moved by the first and is refused, so no position is taken over twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("TransferPositionCommand")]
public sealed record TransferPositionCommand(Risk.PositionTransfer Transfer, long AccountCursor = -1) : MarketCommand;

/// <summary>Settles funding for the interval ending at <paramref name="PeriodEnd"/> (ms since the epoch), once (see <c>IOrderBook.ApplyFunding</c>).</summary>
[GenerateSerializer, Immutable, Alias("ApplyFundingCommand")]
public sealed record ApplyFundingCommand(long PeriodEnd, long IntervalMs) : MarketCommand;

/// <summary>A liquidated account's fee to the market's insurance fund (its amount decided by the liquidation, journaled as
/// decided); <paramref name="AccountCursor"/> as on <see cref="TransferPositionCommand"/>, so a fee is never charged twice.</summary>
[GenerateSerializer, Immutable, Alias("ChargeLiquidationFeeCommand")]
public sealed record ChargeLiquidationFeeCommand(long AccountId, long Amount, long AccountCursor = -1) : MarketCommand;
/// <summary>
/// Ends an auction as <see cref="UncrossCommand"/> does, on another actor's word (the circuit breaker's reopen): the
/// cause goes with the mode change to Open, so the journal says who reopened the market and why.
/// </summary>
[GenerateSerializer, Immutable, Alias("ReopenCommand")]
public sealed record ReopenCommand(long ReferencePrice, ModeCause Cause) : MarketCommand;
