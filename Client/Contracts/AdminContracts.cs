namespace Exchange.Client.Contracts;

public sealed record CreateAccountRequest(string? Label);

/// <param name="ApiSecret">Shown once: the gateway keeps it only encrypted.</param>
public sealed record AccountCreatedResponse(long AccountId, string ApiKey, string ApiSecret);

/// <summary>A market in human units: tickSize "0.5", maxPrice "1000000" (a multiple of the tick), ...</summary>
public sealed record CreateMarketRequest(string Symbol, string TickSize, string LotSize, string? MinPrice, string MaxPrice,
    string? MinSize, string MaxSize, string? MarketProtection, int? MakerFeeBps, int? TakerFeeBps, MarginTierRequest[]? MarginTiers,
    IndexRulesRequest? Index = null, string? MaxOpenInterest = null, string? MaxPositionSize = null);

/// <summary>A market's open-interest caps in base units ("0": none); a field left out keeps its value.</summary>
public sealed record OpenInterestLimitsRequest(string? MaxOpenInterest, string? MaxPositionSize);

/// <summary>How a market follows an index (which must exist): fields left out take their defaults.</summary>
public sealed record IndexRulesRequest(string Index, long? ReopenAfterMs, long? AuctionMs, MarkPolicyRequest? Mark, MarginScalingRequest? Scaling);

public sealed record MarkPolicyRequest(int? BandBps, int? BasisLambdaPpm);

public sealed record MarginScalingRequest(int? SigmaMultipleBps, int? CapBps, int? StepBps, int? MaxMaintenanceStepBps, long? IntervalMs);

/// <param name="Reason">Why (optional, 1 to 200 printable characters): shown with the market and journaled with the change.</param>
public sealed record ModeRequest(string Mode, string? Reason = null);

public sealed record RiskRequest(int? MakerFeeBps, int? TakerFeeBps, MarginTierRequest[]? MarginTiers);

public sealed record MarginTierRequest(string NotionalFloor, int InitialBps, int MaintenanceBps);

public sealed record ModeResponse(string Symbol, string Mode, long Sequence);

/// <param name="Price">The mark price, or "0" to clear the operator's mark.</param>
public sealed record MarkPriceRequest(string Price);

public sealed record MarkPriceResponse(string Symbol, string? MarkPrice);

/// <param name="MoneyDifference">Holdings + fees + insurance - net deposits: zero when no money was created or lost.</param>
/// <param name="NetPositions">Per market, the sum of all positions: zero when every long has its short.</param>
/// <param name="BadDebt">Negative equity nobody has paid (already inside holdings: shown so that it is never silent).</param>
public sealed record AuditResponse(int Accounts, string Holdings, string Fees, string InsuranceFund, string NetDeposits,
    string MoneyDifference, Dictionary<string, string> NetPositions, bool Balanced, string BadDebt = "0", string FundingKept = "0");

/// <param name="ReferencePrice">Breaks ties between equally good uncrossing prices (closest wins).</param>
public sealed record UncrossRequest(string ReferencePrice);

/// <param name="Price">The single price the auction traded at; null when nothing crossed.</param>
public sealed record UncrossResponse(string Symbol, string? Price, string Volume, string Mode, long Sequence);

/// <summary>Orders to reconcile: each as its account named it.</summary>
public sealed record AccountViewsRequest(long[] AccountIds);

/// <param name="Unknown">The ids asked for that are not accounts.</param>
public sealed record AccountViewsResponse(AccountResponse[] Accounts, long[] Unknown);

public sealed record OrderReconcileRequest(ClientOrderResponse[] Orders);

public sealed record ClientOrderResponse(long AccountId, string ClientOrderId);

/// <param name="Checked">How many orders were asked about.</param>
/// <param name="Unknown">Those the market does not know (never accepted, or past the time it remembers client order ids).</param>
public sealed record OrderReconcileResponse(string Symbol, int Checked, ClientOrderResponse[] Unknown);
