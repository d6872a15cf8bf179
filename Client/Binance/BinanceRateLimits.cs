using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Client.Hosting;
using Exchange.Client.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Binance;

/// <summary>
/// The native API's token buckets (same configured sizes, per API key after the signature is checked, per address for
/// market data), answered as Binance does when empty: HTTP 429 with -1003 and Retry-After. The buckets are this
/// surface's own: a key's Binance-style calls do not draw on its native budget.
/// </summary>
public sealed class BinanceRateLimitPolicy(string name, Func<RateLimitOptions, BucketOptions> pick) : IRateLimiterPolicy<string>
{
    public const string Orders = "binance-orders", Cancels = "binance-cancels", Queries = "binance-queries", Public = "binance-public";

    public static void AddTo(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(Orders, new BinanceRateLimitPolicy(Orders, o => o.Orders));
        limiter.AddPolicy(Cancels, new BinanceRateLimitPolicy(Cancels, o => o.Cancels));
        limiter.AddPolicy(Queries, new BinanceRateLimitPolicy(Queries, o => o.Queries));
        limiter.AddPolicy(Public, new BinanceRateLimitPolicy(Public, o => o.Public));
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await BinanceErrors.RateLimited.WriteAsync(context.HttpContext);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var bucket = pick(httpContext.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimits);
        var key = httpContext.Features.Get<ApiCaller>()?.ApiKey ?? "ip:" + httpContext.Connection.RemoteIpAddress;
        return RateLimitPartition.GetTokenBucketLimiter($"{name}:{key}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.Burst,
            TokensPerPeriod = bucket.PerSecond,
            ReplenishmentPeriod = bucket.Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
