using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// A command to one market. The journal stores these with the events they caused; recovery runs them again
/// and requires the same events, so a command must mean the same thing forever: append fields, never reorder.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketCommand")]
public abstract record MarketCommand;

[GenerateSerializer, Immutable, Alias("PlaceCommand")]
public sealed record PlaceCommand(PlaceOrder Order) : MarketCommand;

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
