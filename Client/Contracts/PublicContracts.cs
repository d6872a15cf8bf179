namespace Exchange.Client.Contracts;

// What the public endpoints answer. Prices, sizes and money are decimal strings; times are Unix milliseconds.

public sealed record MarginTierResponse(string NotionalFloor, int InitialBps, int MaintenanceBps);

/// <param name="ModeSetBy">Who put the market in its mode: operator, breaker, oracle or recovery.</param>
/// <param name="ModeReason">Why, in their words (null: no reason given).</param>
/// <param name="MarkPrice">The journaled mark price (null: none set; the last trade price serves).</param>
public sealed record MarketResponse(string Symbol, string Mode, string TickSize, string LotSize, string MinPrice, string MaxPrice,
    string MinSize, string MaxSize, string MarketProtection, int MakerFeeBps, int TakerFeeBps, MarginTierResponse[] MarginTiers,
    string ModeSetBy = "operator", string? ModeReason = null, string? MarkPrice = null, string? Index = null,
    string? IndexPrice = null, string? IndexStatus = null, MarginMultiplierResponse? MarginMultiplier = null);

/// <summary>Levels as [price, size] pairs, best first.</summary>
public sealed record BookResponse(string Symbol, long Sequence, string Mode, string[][] Bids, string[][] Asks);

/// <param name="Side">The taker's side.</param>
public sealed record TradeResponse(long TradeId, string Price, string Size, string Side, long Time);

public sealed record TickerResponse(string Symbol, string Mode, long Sequence, string? BestBid, string? BestBidSize,
    string? BestAsk, string? BestAskSize, string? LastPrice, string? LastSize, string? MarkPrice, long? LastTradeTime,
    string? Index = null, string? IndexPrice = null, string? IndexStatus = null, MarginMultiplierResponse? MarginMultiplier = null,
    string ModeSetBy = "operator", string? ModeReason = null);

public sealed record TimeResponse(long ServerTime);
