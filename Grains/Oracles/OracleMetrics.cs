using System.Diagnostics.Metrics;
using Exchange.Pricing;

namespace Exchange.Oracles;

/// <summary>
/// The oracles' instruments on the silo (meter "Exchange.Oracles"): prices accepted and refused (by reason), feeds
/// turning outlier, and indexes turning stale. Counters only: the index itself is served by the oracle grain.
/// </summary>
public static class OracleMetrics
{
    public const string MeterName = "Exchange.Oracles";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("exchange.oracle.prices.accepted", description: "Feed prices accepted");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("exchange.oracle.prices.refused", description: "Feed prices refused, by reason");
    private static readonly Counter<long> Outliers = Meter.CreateCounter<long>("exchange.oracle.outliers", description: "Times a feed became an outlier");
    private static readonly Counter<long> StaleTransitions = Meter.CreateCounter<long>("exchange.oracle.stale", description: "Times an index became stale");

    internal static void Published(string index, PublishResult result)
    {
        if (result == PublishResult.Accepted) Accepted.Add(1, new KeyValuePair<string, object?>("index", index));
        else Refused.Add(1, new("index", index), new("reason", result.ToString()));
    }

    /// <summary>Counts what changed from one reading to the next: feeds that became outliers, an index that became stale.</summary>
    internal static void Read(string index, IndexReading previous, IndexReading next)
    {
        var tag = new KeyValuePair<string, object?>("index", index);
        if (next.Status == IndexStatus.Stale && previous.Status != IndexStatus.Stale) StaleTransitions.Add(1, tag);
        foreach (var feed in next.Feeds)
            if (feed.Status == FeedStatus.Outlier && !previous.Feeds.Any(f => f.Feed == feed.Feed && f.Status == FeedStatus.Outlier))
                Outliers.Add(1, tag, new("feed", feed.Feed));
    }
}
