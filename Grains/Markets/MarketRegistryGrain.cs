using Exchange.Journal;
using Exchange.Matching;
using Exchange.Oracles;
using Microsoft.Extensions.Options;

namespace Exchange.Markets;

/// <summary>
/// Creates and lists markets. The journal's market table is its state; this grain only validates and forwards, and
/// makes the oracle of a market's index send it the index.
/// </summary>
public sealed class MarketRegistryGrain(IMarketJournal journal, IOptions<MarketOptions> options) : Grain, IMarketRegistryGrain
{
    public async Task<CreateMarketResult> CreateMarket(MarketSpec spec)
    {
        if (spec.Problem() is not null) return CreateMarketResult.InvalidSpec;
        using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
        var created = await journal.CreateMarket(spec, deadline.Token);
        // Also when it already existed: following is idempotent, and a creation whose follow failed is mended by retrying.
        if (spec.Index is { } index) await GrainFactory.GetGrain<IOracleGrain>(index.Index).Follow(spec.Symbol);
        return created ? CreateMarketResult.Created : CreateMarketResult.AlreadyExists;
    }

    public async Task<MarketSpec[]> ListMarkets()
    {
        using var deadline = new CancellationTokenSource(options.Value.AppendTimeout);
        return await journal.ListMarkets(deadline.Token);
    }
}
