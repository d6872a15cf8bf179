namespace Exchange.Client.Contracts;

// What the public endpoints answer. Prices, sizes and money are decimal strings; times are Unix milliseconds.

public sealed record MarginTierResponse(string NotionalFloor, int InitialBps, int MaintenanceBps);

/// <param name="ModeSetBy">Who put the market in its mode: operator, breaker, oracle or recovery.</param>
/// <param name="ModeReason">Why, in their words (null: no reason given).</param>
/// <param name="MarkPrice">The journaled mark price (null: none set; the last trade price serves).</param>
/// <param name="BreakerState">paused while the market is in an auction, else normal (details: GET .../breaker).</param>
/// <param name="IndicativePrice">In the single-market view, while paused with a crossed book: the price an uncross would
/// trade at now (null otherwise, and always null in the list of markets).</param>
/// <param name="OpenInterest">The sum of all long positions (equal to the sum of the shorts), in base units.</param>
/// <param name="MaxOpenInterest">The cap on <paramref name="OpenInterest"/> (null: none): an order whose opening part could
/// take open interest past it is refused with OPEN_INTEREST_LIMIT.</param>
/// <param name="MaxPositionSize">The cap on one account's position on either side (null: none): an order that could take the
/// position, with the account's other working orders on that side, past it is refused with OPEN_INTEREST_LIMIT.</param>
public sealed record MarketResponse(string Symbol, string Mode, string TickSize, string LotSize, string MinPrice, string MaxPrice,
    string MinSize, string MaxSize, string MarketProtection, int MakerFeeBps, int TakerFeeBps, MarginTierResponse[] MarginTiers,
    string ModeSetBy = "operator", string? ModeReason = null, string? MarkPrice = null, string? Index = null,
    string? IndexPrice = null, string? IndexStatus = null, MarginMultiplierResponse? MarginMultiplier = null,
    string BreakerState = "normal", string? IndicativePrice = null, string OpenInterest = "0", string? MaxOpenInterest = null,
    string? MaxPositionSize = null);

/// <summary>Levels as [price, size] pairs, best first.</summary>
public sealed record BookResponse(string Symbol, long Sequence, string Mode, string[][] Bids, string[][] Asks);

/// <param name="Side">The taker's side.</param>
/// <param name="Liquidation">The taker was a liquidation order.</param>
public sealed record TradeResponse(long TradeId, string Price, string Size, string Side, long Time, bool Liquidation = false);

public sealed record TickerResponse(string Symbol, string Mode, long Sequence, string? BestBid, string? BestBidSize,
    string? BestAsk, string? BestAskSize, string? LastPrice, string? LastSize, string? MarkPrice, long? LastTradeTime,
    string? Index = null, string? IndexPrice = null, string? IndexStatus = null, MarginMultiplierResponse? MarginMultiplier = null,
    string ModeSetBy = "operator", string? ModeReason = null, string? FundingRate = null, long? LastFundingTime = null,
    string? PredictedFundingRate = null, long? NextFundingTime = null, string? OpenInterest = null, string? MaxOpenInterest = null,
    string? MaxPositionSize = null);

public sealed record TimeResponse(long ServerTime);

/// <summary>
/// The circuit breaker of one market. <paramref name="State"/>: paused while the market is in an auction (whoever
/// started it, see <paramref name="TrippedBy"/>), else normal.
/// </summary>
/// <param name="Reference">The band's reference: the trusted index, else the last trade or uncross (null: neither yet).</param>
/// <param name="Band">The band around the reference (null: no band rule, or no reference yet).</param>
/// <param name="TrippedBy">While paused, who started the auction: breaker, operator, oracle or recovery (null when normal).</param>
/// <param name="Reason">While paused, why, in their words.</param>
/// <param name="Indicative">While paused with a crossed book, what an uncross at the reference would do now.</param>
/// <param name="ReopensAt">While the circuit breaker holds the pause, when it next tries to reopen the market (Unix ms;
/// the reopen waits longer if the index is not trusted or the auction cannot clear within its band); null otherwise.</param>
/// <param name="Extensions">How many times the breaker has extended this pause (0 when normal).</param>
public sealed record BreakerResponse(string Symbol, string State, string Mode, long Sequence, BreakerRulesResponse Rules, string? Reference,
    BandResponse? Band, string? TrippedBy, string? Reason, IndicativeResponse? Indicative, long? ReopensAt = null, int Extensions = 0,
    BreakerPolicyResponse? Policy = null, IReadOnlyList<BreakerTripResponse>? Trips = null);

/// <summary>How long the breaker pauses and how it reopens (milliseconds; <c>maxCollarBps</c> caps the widened band).</summary>
public sealed record BreakerPolicyResponse(long PauseMs, long EscalatedPauseMs, long EscalationWindowMs, long ExtensionMs, long RecheckMs,
    int MaxCollarBps);

/// <summary>One of the breaker's latest trips, newest first: when (Unix ms), for how long, why, and when it reopened (null: not yet).</summary>
public sealed record BreakerTripResponse(long Sequence, long TrippedAt, long PauseMs, string? Reason, int Extensions, long? ReopenedAt);

/// <summary>0 switches a rule off.</summary>
public sealed record BreakerRulesResponse(int BandBps, int VelocityBps, long VelocityWindowMs);

public sealed record BandResponse(string Low, string High);

/// <param name="Volume">What would trade at <paramref name="Price"/>.</param>
/// <param name="Imbalance">What would be left over at that price on <paramref name="Side"/> (null side: "0", balanced).</param>
public sealed record IndicativeResponse(string Price, string Volume, string Imbalance, string? Side);
