using Exchange.Pricing;
using Orleans.Concurrency;

namespace Exchange.Oracles;

/// <summary>
/// One index (keyed by its name, e.g. "BTC-USD"): its policy and registered feeds (persisted), the feeds' latest
/// prices and the index computed from them (memory only, so a restart never trusts an old price), and the markets
/// that follow it, to which it sends each reading.
/// </summary>
public interface IOracleGrain : IGrainWithStringKey
{
    /// <summary>Creates the index or replaces its policy. Throws <see cref="ArgumentException"/> for an unusable policy.</summary>
    Task Configure(IndexPolicy policy, VolatilityPolicy? volatility = null);

    /// <summary>Registers a feed by name (1-32 of a-z, A-Z, 0-9, '-', '_'), returning its id. Throws
    /// <see cref="ArgumentException"/> for a bad name or one taken, <see cref="KeyNotFoundException"/> if the index does not exist.</summary>
    Task<string> AddFeed(string name);

    /// <summary>Enables or disables a feed. Throws <see cref="KeyNotFoundException"/> for an unknown feed.</summary>
    Task SetFeedEnabled(string feedId, bool enabled);

    /// <summary>Takes a feed's prices in order, each judged on its own; the index is recomputed once for the batch.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<PublishResult[]> Publish(string feedId, FeedPrice[] prices);

    /// <summary>The index, its status, volatility and feeds; null if the index is not configured.</summary>
    Task<IndexView?> GetIndex();

    /// <summary>A market follows this index from now on (remembered): it gets every reading.</summary>
    Task Follow(string symbol);

    /// <summary>Activates the oracle (and its timer) if it is not active: markets call it when their index falls silent.</summary>
    [OneWay]
    Task Wake();
}

/// <summary>A price from a feed (in <see cref="IndexPrices"/> units) with the feed's own timestamp (Unix ms).</summary>
[GenerateSerializer, Immutable, Alias("FeedPrice")]
public readonly record struct FeedPrice(long Price, long Timestamp);

public enum PublishResult : byte
{
    Accepted,
    UnknownFeed,
    FeedDisabled,
    /// <summary>Later than the oracle's clock plus its allowed skew.</summary>
    TimestampInFuture,
    /// <summary>Not after the feed's last accepted price.</summary>
    TimestampNotAfterLast,
    InvalidPrice,
    UnknownIndex,
}

[GenerateSerializer, Immutable, Alias("IndexView")]
public sealed record IndexView(
    string Index,
    long Price,
    IndexStatus Status,
    long AsOf,
    long SigmaPpm,
    long HorizonSigmaPpm,
    FeedView[] Feeds,
    IndexPolicy Policy,
    VolatilityPolicy Volatility,
    string[] Markets);

[GenerateSerializer, Immutable, Alias("FeedView")]
public sealed record FeedView(string FeedId, string Name, bool Enabled, long Price, long AgeMs, FeedStatus Status, long Accepted, long Refused);

/// <summary>One reading of an index as the oracle sends it to the markets that follow it.</summary>
[GenerateSerializer, Immutable, Alias("IndexUpdate")]
public sealed record IndexUpdate(string Index, long Price, IndexStatus Status, long AsOf, long HorizonSigmaPpm);
