using System.Threading.RateLimiting;
using Exchange.Client.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Orders;

/// <summary>
/// Token buckets per API key for orders entered over the WebSocket, sized like the REST buckets
/// (<c>Gateway:RateLimits:Orders</c> and <c>Cancels</c>) and counted apart from them, as the Binance surface's are. Order
/// requests are not charged to the socket's message budget, which is sized for subscriptions, not for trading.
/// </summary>
public sealed class OrderEntryLimits(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<(bool Cancel, string ApiKey)> _buckets = PartitionedRateLimiter.Create<(bool Cancel, string ApiKey), (bool, string)>(
        key => RateLimitPartition.GetTokenBucketLimiter(key, k =>
        {
            var bucket = k.Item1 ? options.Value.RateLimits.Cancels : options.Value.RateLimits.Orders;
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = bucket.Burst, TokensPerPeriod = bucket.PerSecond, ReplenishmentPeriod = bucket.Period,
                QueueLimit = 0, AutoReplenishment = true,
            };
        }));

    /// <summary>Takes one request's token from the key's order (or cancel) bucket; false when it is empty.</summary>
    public bool TryTake(string apiKey, bool cancel)
    {
        using var lease = _buckets.AttemptAcquire((cancel, apiKey));
        return lease.IsAcquired;
    }

    public void Dispose() => _buckets.Dispose();
}
