using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Client.Errors;
using Exchange.Client.Security;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Hosting;

/// <summary>
/// Token buckets per API key (signed endpoints, keyed after the signature is verified, so nobody can spend another's
/// budget) or per client address (public endpoints); a price feed's key has its own bucket (<c>Feeds</c>). Orders, cancels and queries have separate budgets: a trader who
/// used up the order budget can still cancel.
/// </summary>
public static class RateLimits
{
    public const string Orders = "orders", Cancels = "cancels", Queries = "queries", Public = "public", Feeds = "feeds";

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                    $"too many requests: retry after {seconds} s").With("retryAfter", seconds).WriteAsync(context.HttpContext);
            };
            limiter.AddPolicy(Orders, context => Bucket(context, Orders, o => o.Orders));
            limiter.AddPolicy(Cancels, context => Bucket(context, Cancels, o => o.Cancels));
            limiter.AddPolicy(Queries, context => Bucket(context, Queries, o => o.Queries));
            limiter.AddPolicy(Public, context => Bucket(context, Public, o => o.Public));
            limiter.AddPolicy(Feeds, context => Bucket(context, Feeds, o => o.Feeds));
        });

    private static RateLimitPartition<string> Bucket(HttpContext context, string policy, Func<RateLimitOptions, BucketOptions> pick)
    {
        var bucket = pick(context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RateLimits);
        var key = context.Features.Get<ApiCaller>()?.ApiKey ?? "ip:" + context.Connection.RemoteIpAddress;
        return RateLimitPartition.GetTokenBucketLimiter($"{policy}:{key}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.Burst,
            TokensPerPeriod = bucket.PerSecond,
            ReplenishmentPeriod = bucket.Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
