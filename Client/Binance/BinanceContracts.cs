using System.Text.Json.Serialization;

namespace Exchange.Client.Binance;

// The shapes of Binance USDⓈ-M answers, field for field where this venue has the value. Decimals are strings, times Unix ms.

public sealed record BinanceTime(long ServerTime);

public sealed record BinanceExchangeInfo(string Timezone, long ServerTime, string FuturesType, BinanceRateLimit[] RateLimits,
    object[] ExchangeFilters, BinanceAsset[] Assets, BinanceSymbol[] Symbols);

public sealed record BinanceRateLimit(string RateLimitType, string Interval, int IntervalNum, int Limit);

public sealed record BinanceAsset(string Asset, bool MarginAvailable, string? AutoAssetExchange);

public sealed record BinanceSymbol(string Symbol, string Pair, string ContractType, long DeliveryDate, long OnboardDate,
    string Status, string MaintMarginPercent, string RequiredMarginPercent, string BaseAsset, string QuoteAsset, string MarginAsset,
    int PricePrecision, int QuantityPrecision, int BaseAssetPrecision, int QuotePrecision, string UnderlyingType,
    Dictionary<string, object>[] Filters, string[] OrderTypes, string[] TimeInForce);

public sealed record BinanceDepth(long LastUpdateId, [property: JsonPropertyName("E")] long EventTime,
    [property: JsonPropertyName("T")] long TransactionTime, string[][] Bids, string[][] Asks);

public sealed record BinanceTrade(long Id, string Price, string Qty, string QuoteQty, long Time, bool IsBuyerMaker);

public sealed record BinanceAggTrade([property: JsonPropertyName("a")] long AggregateId, [property: JsonPropertyName("p")] string Price,
    [property: JsonPropertyName("q")] string Quantity, [property: JsonPropertyName("f")] long FirstId,
    [property: JsonPropertyName("l")] long LastId, [property: JsonPropertyName("T")] long Time,
    [property: JsonPropertyName("m")] bool BuyerIsMaker);

public sealed record BinanceTicker(string Symbol, string PriceChange, string PriceChangePercent, string WeightedAvgPrice,
    string LastPrice, string LastQty, string OpenPrice, string HighPrice, string LowPrice, string Volume, string QuoteVolume,
    long OpenTime, long CloseTime, long FirstId, long LastId, long Count);

public sealed record BinanceBookTicker(string Symbol, string BidPrice, string BidQty, string AskPrice, string AskQty, long LastUpdateId, long Time);

public sealed record BinanceOpenInterest(string OpenInterest, string Symbol, long Time);

public sealed record BinancePremiumIndex(string Symbol, string MarkPrice, string IndexPrice, string EstimatedSettlePrice,
    string LastFundingRate, string InterestRate, long NextFundingTime, long Time, string? IndexStatus = null,
    Contracts.MarginMultiplierResponse? MarginMultiplier = null, string? ModeSetBy = null, string? ModeReason = null);

public sealed record BinanceOrder(long OrderId, string Symbol, string Status, string? ClientOrderId, string Price, string AvgPrice,
    string OrigQty, string ExecutedQty, string CumQty, string CumQuote, string TimeInForce, string Type, bool ReduceOnly,
    bool ClosePosition, string Side, string PositionSide, string StopPrice, string WorkingType, bool PriceProtect, string OrigType,
    string PriceMatch, string SelfTradePreventionMode, long GoodTillDate, long Time, long UpdateTime);

public sealed record BinanceUserTrade(string Symbol, long Id, long OrderId, string Side, string Price, string Qty, string QuoteQty,
    long Time, string PositionSide, bool Buyer, bool Maker);

public sealed record BinanceCodeMessage(int Code, string Msg);

public sealed record BinanceAccountAsset(string Asset, string WalletBalance, string UnrealizedProfit, string MarginBalance,
    string MaintMargin, string InitialMargin, string CrossWalletBalance, string CrossUnPnl, string AvailableBalance,
    string MaxWithdrawAmount, bool MarginAvailable, long UpdateTime);

public sealed record BinanceAccountPosition(string Symbol, string PositionSide, string PositionAmt, string UnrealizedProfit,
    string IsolatedMargin, string Notional, string IsolatedWallet, long UpdateTime);

public sealed record BinanceAccountInfo(string TotalInitialMargin, string TotalMaintMargin, string TotalWalletBalance,
    string TotalUnrealizedProfit, string TotalMarginBalance, string TotalCrossWalletBalance, string TotalCrossUnPnl,
    string AvailableBalance, string MaxWithdrawAmount, bool CanTrade, bool CanDeposit, bool CanWithdraw, bool MultiAssetsMargin,
    long UpdateTime, BinanceAccountAsset[] Assets, BinanceAccountPosition[] Positions);

public sealed record BinanceBalance(string AccountAlias, string Asset, string Balance, string CrossWalletBalance, string CrossUnPnl,
    string AvailableBalance, string MaxWithdrawAmount, bool MarginAvailable, long UpdateTime);

/// <param name="Leverage">Only in the v2 shape (v3 has none): the most the first margin tier allows.</param>
public sealed record BinancePosition(string Symbol, string PositionSide, string PositionAmt, string EntryPrice, string MarkPrice,
    string UnRealizedProfit, string LiquidationPrice, string IsolatedMargin, string Notional, string MarginAsset,
    string IsolatedWallet, int Adl, long UpdateTime, string? Leverage = null, string? MarginType = null);

public sealed record BinanceBracket(int Bracket, int InitialLeverage, decimal NotionalCap, decimal NotionalFloor, string MaintMarginRatio, string Cum);

public sealed record BinanceLeverageBrackets(string Symbol, int NotionalCoef, BinanceBracket[] Brackets);

public sealed record BinanceLeverage(int Leverage, string MaxNotionalValue, string Symbol);

/// <summary>A conditional order as Binance's algo order service shows it (algoType CONDITIONAL).</summary>
public sealed record BinanceAlgoOrder(long AlgoId, string? ClientAlgoId, string AlgoType, string OrderType, string Symbol, string Side,
    string PositionSide, string TimeInForce, string Quantity, string AlgoStatus, string TriggerPrice, string Price,
    string SelfTradePreventionMode, string WorkingType, string PriceMatch, bool ClosePosition, bool PriceProtect, bool ReduceOnly,
    long CreateTime, long UpdateTime, long TriggerTime, long GoodTillDate, string? CallbackRate);
