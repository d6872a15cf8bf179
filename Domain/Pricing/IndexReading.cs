namespace Exchange.Pricing;

/// <summary>
/// How far an index can be trusted. Fresh: every enabled feed agrees. Degraded: enough feeds agree, but some are
/// stale, missing or outliers. Stale: fewer than the policy's minimum agree, so the price is only the last known one.
/// </summary>
public enum IndexStatus : byte { Stale, Degraded, Fresh }

/// <summary>One feed's part in a reading: see <see cref="IndexPriceAggregator"/> for how each status is decided.</summary>
public enum FeedStatus : byte { Fresh, Stale, Outlier, Disabled, Missing }

/// <summary>A feed's latest accepted price (0: none) and its own timestamp (Unix ms, 0: none), as the oracle holds it.</summary>
[GenerateSerializer, Immutable, Alias("FeedQuote")]
public readonly record struct FeedQuote(string Feed, long Price, long Timestamp, bool Enabled);

/// <summary>
/// A feed as a reading judged it: its price (0 if it has none) and age in ms at the reading (0 if it has no price;
/// negative for a timestamp ahead of the oracle's clock within the allowed skew).
/// </summary>
[GenerateSerializer, Immutable, Alias("FeedReading")]
public readonly record struct FeedReading(string Feed, long Price, long AgeMs, FeedStatus Status);

/// <summary>An index at one moment: its price (<see cref="IndexPrices"/> units), status, and one entry per feed in the order given.</summary>
[GenerateSerializer, Immutable, Alias("IndexReading")]
public sealed record IndexReading(long Price, IndexStatus Status, FeedReading[] Feeds);
