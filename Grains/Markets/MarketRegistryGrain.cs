using Exchange.Journal;
using Exchange.Matching;
using Microsoft.Extensions.Options;

namespace Exchange.Markets;

/// <summary>Creates and lists markets. The journal's market table is its state; this grain only validates and forwards.</summary>
public sealed class MarketRegistryGrain(IMarketJournal journal, IOptions<MarketOptions> options) : Grain, IMarketRegistryGrain
{
    public async Task<CreateMarketResult> CreateMarket(MarketSpec spec)
    {
        if (spec.Problem() is not null) return CreateMarketResult.InvalidSpec;
        using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
        return await journal.CreateMarket(spec, deadline.Token) ? CreateMarketResult.Created : CreateMarketResult.AlreadyExists;
    }

    public async Task<MarketSpec[]> ListMarkets()
    {
        using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
        return await journal.ListMarkets(deadline.Token);
    }
}
