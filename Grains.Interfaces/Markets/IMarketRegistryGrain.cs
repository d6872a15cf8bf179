using Exchange.Matching;

namespace Exchange.Markets;

public enum CreateMarketResult : byte { Created, AlreadyExists, InvalidSpec }

/// <summary>The list of markets (a single grain, key 0). Creating a market is durable when it returns Created.</summary>
public interface IMarketRegistryGrain : IGrainWithIntegerKey
{
    Task<CreateMarketResult> CreateMarket(MarketSpec spec);

    Task<MarketSpec[]> ListMarkets();
}
