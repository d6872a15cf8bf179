using System.Collections.Concurrent;
using System.Net;
using Exchange.Client.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Security;

/// <summary>
/// A token bucket of failed authentications per client address. The authentication middleware asks it before
/// verifying anything and charges it after each failure, so an address that sends requests with guessed keys (each
/// one a database look-up) or forged signatures is refused before it costs a query. Good requests spend nothing.
/// Tokens are counted in thousandths so that a slow refill (one an hour) is exact; the clock is the gateway's.
/// </summary>
public sealed class AuthenticationFailures(TimeProvider clock, IOptions<GatewayOptions> options)
{
    private const long Unit = 1000;
    private const int MaxAddresses = 100_000;
    private readonly long _capacity = options.Value.RateLimits.Authentication.Burst * Unit;
    private readonly long _refillPerPeriod = options.Value.RateLimits.Authentication.PerSecond * Unit;
    private readonly long _periodMs = Math.Max(1, (long)options.Value.RateLimits.Authentication.Period.TotalMilliseconds);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    private sealed class Bucket(long tokens, long atMs)
    {
        public long Tokens = tokens, AtMs = atMs;
    }

    /// <summary>Whether the address has a failure left; if not, when it will.</summary>
    public bool MayTry(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_buckets.TryGetValue(Key(address), out var bucket)) return true;
        lock (bucket)
        {
            Refill(bucket);
            if (bucket.Tokens >= Unit) return true;
            retryAfter = TimeSpan.FromMilliseconds(Math.Max(1, (Unit - bucket.Tokens) * _periodMs / _refillPerPeriod));
            return false;
        }
    }

    public void Charge(IPAddress? address)
    {
        if (_buckets.Count > MaxAddresses) Trim();
        var bucket = _buckets.GetOrAdd(Key(address), _ => new Bucket(_capacity, clock.GetUtcNow().ToUnixTimeMilliseconds()));
        lock (bucket)
        {
            Refill(bucket);
            bucket.Tokens = Math.Max(0, bucket.Tokens - Unit);
        }
    }

    private void Refill(Bucket bucket)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now <= bucket.AtMs) return;
        var added = (now - bucket.AtMs) >= _periodMs * (_capacity / Math.Max(1, _refillPerPeriod) + 1)
            ? _capacity
            : (now - bucket.AtMs) * _refillPerPeriod / _periodMs;
        bucket.Tokens = Math.Min(_capacity, bucket.Tokens + added);
        bucket.AtMs = now;
    }

    /// <summary>Addresses whose bucket has refilled are as good as unknown: forget them.</summary>
    private void Trim()
    {
        foreach (var (key, bucket) in _buckets)
            lock (bucket)
            {
                Refill(bucket);
                if (bucket.Tokens >= _capacity) _buckets.TryRemove(KeyValuePair.Create(key, bucket));
            }
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";
}
