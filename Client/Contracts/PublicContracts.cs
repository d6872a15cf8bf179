namespace Exchange.Client.Contracts;

// What the public endpoints answer. Prices, sizes and money are decimal strings; times are Unix milliseconds.

public sealed record MarginTierResponse(string NotionalFloor, int InitialBps, int MaintenanceBps);

public sealed record MarketResponse(string Symbol, string Mode, string TickSize, string LotSize, string MinPrice, string MaxPrice,
    string MinSize, string MaxSize, string MarketProtection, int MakerFeeBps, int TakerFeeBps, MarginTierResponse[] MarginTiers);

/// <summary>Levels as [price, size] pairs, best first.</summary>
public sealed record BookResponse(string Symbol, long Sequence, string Mode, string[][] Bids, string[][] Asks);

/// <param name="Side">The taker's side.</param>
public sealed record TradeResponse(long TradeId, string Price, string Size, string Side, long Time);

public sealed record TickerResponse(string Symbol, string Mode, long Sequence, string? BestBid, string? BestBidSize,
    string? BestAsk, string? BestAskSize, string? LastPrice, string? LastSize, string? MarkPrice, long? LastTradeTime);

public sealed record TimeResponse(long ServerTime);
