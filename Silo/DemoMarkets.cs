using Exchange.Matching;

namespace Exchange.Silo;

/// <summary>The markets a local run starts with, so that a newcomer has something to trade.</summary>
public static class DemoMarkets
{
    public static readonly MarketSpec BtcPerp = new(
        Symbol: "BTC-PERP", TickSize: 0.5m, LotSize: 0.001m,
        MinPrice: 1, MaxPrice: 2_000_000, MinSize: 1, MaxSize: 1_000_000, MarketProtectionTicks: 200);

    public static readonly MarketSpec EthPerp = new(
        Symbol: "ETH-PERP", TickSize: 0.05m, LotSize: 0.01m,
        MinPrice: 1, MaxPrice: 4_000_000, MinSize: 1, MaxSize: 1_000_000, MarketProtectionTicks: 400);

    public static IReadOnlyList<MarketSpec> All { get; } = [BtcPerp, EthPerp];

    /// <summary>
    /// The same markets following an index each (BTC-USD, ETH-USD), for a run that feeds those indices: the mark then
    /// comes from the index. A market keeps the terms it was created with, so this applies to markets created so.
    /// </summary>
    public static IReadOnlyList<MarketSpec> FollowingIndices { get; } =
    [
        BtcPerp with { Index = new IndexRules("BTC-USD") },
        EthPerp with { Index = new IndexRules("ETH-USD") },
    ];
}
