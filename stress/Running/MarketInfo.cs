using Exchange.PriceFeeds;
using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>A market the runner set up: its scenario, units, the fund's account and the feeds of its index.</summary>
internal sealed record MarketInfo(MarketScenario Scenario, long FundAccountId, IReadOnlyList<FeedCredentials> Feeds)
{
    public string Symbol => Scenario.Symbol;

    public decimal TickSize => Scenario.TickSize;

    public decimal LotSize => Scenario.LotSize;

    public long Ticks(decimal price) => (long)Math.Round(price / TickSize, MidpointRounding.ToEven);

    /// <summary>Lots worth about <paramref name="notional"/> at <paramref name="priceTicks"/>, at least one.</summary>
    public long LotsFor(decimal notional, long priceTicks) =>
        Math.Max(1, (long)Math.Floor(notional / (priceTicks * TickSize * LotSize)));
}

/// <summary>
/// The latest of what the observer read, for the makers and traders to act on: each market's index (null while stale),
/// mark and mode, and a short history of the index so makers can measure how fast it moves. Written by one observer,
/// read by many: each market's entry is replaced whole.
/// </summary>
internal sealed class LiveState
{
    private readonly Dictionary<string, MarketView> _views = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long At, decimal Index)>> _history = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How old a reading may be and still be acted on: four missed readings. A bot that quotes from prices it
    /// read seconds ago (its reads stalled while the market moved) posts orders far from the market; ours stop instead.</summary>
    public const long MaxAgeMs = 1_000;

    /// <summary>What the observer read at <paramref name="At"/> (run time, ms): index (null while stale), mark and mode.</summary>
    public sealed record MarketView(long At, decimal? Index, decimal? Mark, string Mode);

    /// <summary>The latest reading, however old.</summary>
    public MarketView? Latest(string symbol)
    {
        lock (_lock) return _views.GetValueOrDefault(symbol);
    }

    /// <summary>The latest reading, or null when there is none younger than <see cref="MaxAgeMs"/> at <paramref name="nowMs"/>.</summary>
    public MarketView? View(string symbol, long nowMs)
    {
        lock (_lock) return _views.GetValueOrDefault(symbol) is { } view && nowMs - view.At <= MaxAgeMs ? view : null;
    }

    public void Update(string symbol, MarketView view, long keepMs)
    {
        var at = view.At;
        lock (_lock)
        {
            _views[symbol] = view;
            if (view.Index is not { } index) return;
            if (!_history.TryGetValue(symbol, out var list)) _history[symbol] = list = [];
            list.Add((at, index));
            list.RemoveAll(p => p.At < at - keepMs);
        }
    }

    /// <summary>The largest move of the index within the last <paramref name="windowMs"/>, in basis points of its low.</summary>
    public decimal MoveBps(string symbol, long now, long windowMs)
    {
        lock (_lock)
        {
            if (!_history.TryGetValue(symbol, out var list)) return 0;
            var recent = list.Where(p => p.At >= now - windowMs).Select(p => p.Index).ToList();
            if (recent.Count < 2) return 0;
            var low = recent.Min();
            return low <= 0 ? 0 : (recent.Max() - low) * 10_000 / low;
        }
    }
}
