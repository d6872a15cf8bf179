using System.Threading.RateLimiting;
using Exchange.Client.Errors;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Hosting;

/// <summary>
/// Keeps cancels fast when new orders flood in (issue: a 10x burst of orders must not delay a cancel). The gateway works
/// on at most <see cref="OrderAdmissionOptions.InFlight"/> order requests (placements, amends, batches) at once; the rest
/// wait their turn here, in arrival order, costing nothing but memory, so the CPU goes to the requests in progress and
/// to cancels, which never wait. An order that waited longer than <see cref="OrderAdmissionOptions.MaxWait"/> goes on,
/// marked: its endpoint refuses it <c>OVERLOADED</c> (503, Retry-After) unless it is reduce-only, the same rule the
/// market applies when its journal falls behind. Beyond <see cref="OrderAdmissionOptions.Queue"/> waiting requests the
/// gateway answers <c>OVERLOADED</c> at once, before reading the body: the last line that bounds its memory.
/// </summary>
public sealed class OrderAdmission(IOptions<GatewayOptions> options, TimeProvider time) : IMiddleware, IDisposable
{
    /// <summary>Endpoint metadata: the endpoint takes orders that may add risk, so its requests are admitted here.</summary>
    public sealed class Metadata
    {
        public static readonly Metadata Instance = new();
    }

    private sealed class WaitedTooLong;

    private readonly OrderAdmissionOptions _options = options.Value.OrderAdmission;
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.OrderAdmission.InFlight,
        QueueLimit = options.Value.OrderAdmission.Queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Order requests waiting for their turn now.</summary>
    public long Waiting => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Whether this request waited so long for its turn that, unless it only reduces a position, it is refused.</summary>
    public static bool Shed(HttpContext context) => context.Items.ContainsKey(typeof(WaitedTooLong));

    public static ApiError Overloaded() => ApiError.Unavailable(ErrorCodes.Overloaded,
            "the gateway is overloaded and takes no new risk for a moment; cancels and reduce-only orders are still accepted")
        .With("retryAfter", 1);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Metadata>() is null)
        {
            await next(context);
            return;
        }
        using var waited = new CancellationTokenSource(_options.MaxWait, time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(waited.Token, context.RequestAborted);
        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, wait.Token);
        }
        catch (OperationCanceledException) when (waited.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // Waited its bound: it goes on without a turn, to be refused unless it is reduce-only (cheap either way).
            context.Items[typeof(WaitedTooLong)] = true;
            await next(context);
            return;
        }
        using (lease)
        {
            if (!lease.IsAcquired)
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<Binance.BinanceEndpoint>() is not null)
                    await Binance.BinanceErrors.From(Overloaded()).WriteAsync(context);
                else
                    await Overloaded().WriteAsync(context);
                return;
            }
            await next(context);
        }
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>How many order requests the gateway works on at once, how many may wait, and for how long.</summary>
public sealed class OrderAdmissionOptions
{
    /// <summary>Order requests in progress at once: enough to keep the markets' group commits full, few enough that a cancel does not queue behind a burst for the CPU.</summary>
    public int InFlight { get; set; } = 64;

    /// <summary>Order requests waiting for their turn; more are refused <c>OVERLOADED</c> at once.</summary>
    public int Queue { get; set; } = 10_000;

    /// <summary>How long an order waits for its turn before it is refused <c>OVERLOADED</c> (unless reduce-only).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(1);
}
