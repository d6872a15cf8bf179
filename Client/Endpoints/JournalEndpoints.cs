using Exchange.Client.Contracts;
using Exchange.Client.Input;
using Exchange.Client.Markets;

namespace Exchange.Client.Endpoints;

/// <summary>The operator's view of a market's journal: how long its group commits take, which every command waits for.</summary>
public static class JournalEndpoints
{
    public static void MapAdmin(RouteGroupBuilder admin) =>
        admin.MapGet("/markets/{symbol}/journal", Journal).Produces<JournalResponse>()
            .WithSummary("How long the market's journal writes (group commits) took since it activated: count, commands carried, " +
                         "mean, slowest and a histogram");

    private static async Task<JournalResponse> Journal(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var stats = await markets.Market(spec).GetJournalStats();
        var buckets = stats.Counts.Select((count, i) => new JournalBucket(i < stats.UpToMs.Length ? stats.UpToMs[i] : null, count));
        return new JournalResponse(spec.Symbol, stats.Writes, stats.Commands,
            stats.Writes == 0 ? 0 : Math.Round(stats.TotalMicroseconds / 1_000.0 / stats.Writes, 3), stats.SlowestMs, [.. buckets]);
    }
}
