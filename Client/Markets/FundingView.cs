using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Client.Markets;

/// <summary>
/// A market's funding as traders read it: the rate last settled, the rate the next settlement would use if the mark and
/// index stayed where they are, and when that is. Rates are fractions of notional per interval (ppm / 1,000,000).
/// </summary>
public readonly record struct FundingView(string? LastRate, long? LastTime, string PredictedRate, long NextTime, long IntervalMs)
{
    /// <summary>The interval when none has been settled yet (the silos' default, Exchange:Risk:FundingInterval).</summary>
    public const long DefaultIntervalMs = 3_600_000;

    public static FundingView Of(MarketTerms terms, long mark, long nowMs)
    {
        var interval = terms.Funding?.IntervalMs ?? DefaultIntervalMs;
        var index = terms.Index is { Tick.IsTrusted: true } followed ? followed.Tick.IndexTicks : 0;
        var predicted = FundingRate.Of(mark, index, interval);
        var next = Math.Max(terms.Funding is { } last ? last.PeriodEnd + interval : 0, (nowMs / interval + 1) * interval);
        return new FundingView(terms.Funding is { } settled ? Rate(settled.RatePpm) : null, terms.Funding?.PeriodEnd, Rate(predicted), next, interval);
    }

    public static string Rate(long ppm) => (ppm / 1_000_000m).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
