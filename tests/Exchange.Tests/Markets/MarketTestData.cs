using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Markets;

/// <summary>Small builders shared by the market grain tests.</summary>
internal static class MarketTestData
{
    public static MarketSpec Spec(string symbol) => new(symbol, TickSize: 0.5m, LotSize: 0.001m,
        MinPrice: 1, MaxPrice: 1_000_000, MinSize: 1, MaxSize: 1_000_000, MarketProtectionTicks: 100);

    public static string NewSymbol(string prefix = "T") => $"{prefix}-{Guid.NewGuid():N}"[..20].ToUpperInvariant();

    public static PlaceCommand Limit(long account, Side side, long price, long size, string? clientOrderId = null) =>
        new(new PlaceOrder(account, side, OrderType.Limit, price, size, ClientOrderId: clientOrderId));

    public static async Task<IMarketGrain> CreateMarket(this Infrastructure.ExchangeCluster cluster, string symbol)
    {
        Assert.Equal(CreateMarketResult.Created, await cluster.Registry.CreateMarket(Spec(symbol)));
        return cluster.Market(symbol);
    }

    public static long AcceptedOrderId(this CommandOutcome outcome)
    {
        Assert.Equal(CommandStatus.Committed, outcome.Status);
        return Assert.Single(outcome.Events, e => e.Kind == EventKind.OrderAccepted).OrderId;
    }
}
