using Exchange.Matching;

namespace Exchange.Client.Input;

/// <summary>The API's lower-case words for the engine's enums, both ways. Only the exact words are accepted.</summary>
public static class Vocabulary
{
    public static string Of(Exchange.Pricing.IndexStatus status) => status switch
    {
        Exchange.Pricing.IndexStatus.Fresh => "fresh",
        Exchange.Pricing.IndexStatus.Degraded => "degraded",
        _ => "stale",
    };

    public static string Of(Exchange.Pricing.FeedStatus status) => status switch
    {
        Exchange.Pricing.FeedStatus.Fresh => "fresh",
        Exchange.Pricing.FeedStatus.Stale => "stale",
        Exchange.Pricing.FeedStatus.Outlier => "outlier",
        Exchange.Pricing.FeedStatus.Disabled => "disabled",
        _ => "missing",
    };

    public static string Of(Side side) => side == Side.Buy ? "buy" : "sell";

    public static string Of(OrderType type) => type == OrderType.Limit ? "limit" : "market";

    public static string Of(TimeInForce tif) => tif switch
    {
        TimeInForce.ImmediateOrCancel => "ioc",
        TimeInForce.FillOrKill => "fok",
        _ => "gtc",
    };

    public static string Of(SelfTradePrevention stp) => stp switch
    {
        SelfTradePrevention.CancelMaker => "cancel_maker",
        SelfTradePrevention.CancelBoth => "cancel_both",
        SelfTradePrevention.None => "none",
        _ => "cancel_taker",
    };

    public static string Of(ModeActor actor) => actor switch
    {
        ModeActor.Breaker => "breaker",
        ModeActor.Oracle => "oracle",
        ModeActor.Recovery => "recovery",
        _ => "operator",
    };

    public static string Of(MarketMode mode) => mode switch
    {
        MarketMode.PostOnly => "post_only",
        MarketMode.CancelOnly => "cancel_only",
        MarketMode.Halted => "halted",
        MarketMode.Auction => "auction",
        _ => "open",
    };

    public static Side? ParseSide(string text) => text switch { "buy" => Side.Buy, "sell" => Side.Sell, _ => null };

    public static OrderType? ParseType(string text) => text switch { "limit" => OrderType.Limit, "market" => OrderType.Market, _ => null };

    public static TimeInForce? ParseTimeInForce(string text) => text switch
    {
        "gtc" => TimeInForce.GoodTillCancel,
        "ioc" => TimeInForce.ImmediateOrCancel,
        "fok" => TimeInForce.FillOrKill,
        _ => null,
    };

    public static SelfTradePrevention? ParseSelfTradePrevention(string text) => text switch
    {
        "cancel_taker" => SelfTradePrevention.CancelTaker,
        "cancel_maker" => SelfTradePrevention.CancelMaker,
        "cancel_both" => SelfTradePrevention.CancelBoth,
        "none" => SelfTradePrevention.None,
        _ => null,
    };

    public static MarketMode? ParseMode(string text) => text switch
    {
        "open" => MarketMode.Open,
        "post_only" => MarketMode.PostOnly,
        "cancel_only" => MarketMode.CancelOnly,
        "halted" => MarketMode.Halted,
        "auction" => MarketMode.Auction,
        _ => null,
    };
}
