using Exchange.Pricing;

namespace Exchange.Oracles;

/// <summary>
/// The latest accepted price of each feed of one index, in memory only: after a restart every feed is missing until
/// it publishes again, so the index is never computed from a price the oracle did not see itself.
/// </summary>
internal sealed class FeedBook
{
    private readonly Dictionary<string, Latest> _latest = new(StringComparer.Ordinal);

    private sealed class Latest
    {
        public long Price, Timestamp, Accepted, Refused;
    }

    public PublishResult Take(RegisteredFeed? feed, FeedPrice price, long now, long maxFutureSkewMs)
    {
        if (feed is null) return PublishResult.UnknownFeed;
        var latest = Of(feed.FeedId);
        var result = !feed.Enabled ? PublishResult.FeedDisabled
            : price.Price <= 0 ? PublishResult.InvalidPrice
            : price.Timestamp > now + maxFutureSkewMs ? PublishResult.TimestampInFuture
            : price.Timestamp <= latest.Timestamp ? PublishResult.TimestampNotAfterLast
            : PublishResult.Accepted;
        if (result == PublishResult.Accepted)
        {
            (latest.Price, latest.Timestamp) = (price.Price, price.Timestamp);
            latest.Accepted++;
        }
        else latest.Refused++;
        return result;
    }

    public FeedQuote Quote(RegisteredFeed feed)
    {
        var latest = Of(feed.FeedId);
        return new FeedQuote(feed.FeedId, latest.Price, latest.Timestamp, feed.Enabled);
    }

    public (long Accepted, long Refused) Counts(string feedId) => Of(feedId) is var l ? (l.Accepted, l.Refused) : default;

    private Latest Of(string feedId)
    {
        if (!_latest.TryGetValue(feedId, out var latest)) _latest[feedId] = latest = new Latest();
        return latest;
    }
}
