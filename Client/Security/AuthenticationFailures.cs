using System.Net;
using System.Threading.RateLimiting;
using Exchange.Client.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Security;

/// <summary>
/// A token bucket of failed authentications per client address. The authentication middleware asks it before
/// verifying anything and charges it after each failure, so an address that sends requests with guessed keys (each
/// one a database look-up) or forged signatures is refused before it costs a query. Good requests spend nothing.
/// </summary>
public sealed class AuthenticationFailures : IDisposable
{
    private readonly PartitionedRateLimiter<string> _buckets;

    public AuthenticationFailures(IOptions<GatewayOptions> options)
    {
        var bucket = options.Value.RateLimits.Authentication;
        _buckets = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = bucket.Burst,
                TokensPerPeriod = bucket.PerSecond,
                ReplenishmentPeriod = bucket.Period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Whether the address has failures left; if not, when to retry.</summary>
    public bool MayTry(IPAddress? address, out TimeSpan retryAfter)
    {
        using var lease = _buckets.AttemptAcquire(Key(address), 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Charge(IPAddress? address)
    {
        using var _ = _buckets.AttemptAcquire(Key(address));
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";

    public void Dispose() => _buckets.Dispose();
}
