using System.Diagnostics.Metrics;
using Orleans.Runtime.Messaging;

namespace Exchange.Client.Hosting;

/// <summary>
/// Repeats a grain call that is safe to repeat (a read, or a command carrying its idempotency key: a client order id,
/// a transfer id) when the cluster refused to deliver it because a silo died or cannot be reached: the grain was still
/// addressed to the dead silo, and a moment later (once the cluster has declared it dead) it activates elsewhere. A
/// bounded number of times, about as long as failure detection takes; after that the caller answers as it would have.
/// Never a command that timed out (it may be running) nor one without a key (a repeat could apply it twice).
/// </summary>
public static class ClusterRetry
{
    /// <summary>The pauses before each repeat: 4.75 s in all, the time the cluster takes to declare a killed silo dead.</summary>
    public static readonly TimeSpan[] Delays =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), .. Enumerable.Repeat(TimeSpan.FromSeconds(1), 4)];

    /// <summary>The cluster refused to deliver the call, so repeating it later cannot apply anything twice on its own account.</summary>
    public static bool IsRetryable(Exception ex) =>
        ex is OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException;

    public static async Task<T> Run<T>(Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < Delays.Length && IsRetryable(ex))
            {
                GatewayRetries.Add(1);
                await Task.Delay(Delays[attempt], cancellationToken);
            }
        }
    }

    /// <summary>
    /// Repeats a GET whose endpoint failed on a refused delivery or a read that timed out, before anything of its answer
    /// was written: reads change nothing (a timed-out read may still run; running it twice is harmless), and the
    /// middleware sits after authentication, so a repeat is not a second signed request. Reads wait
    /// <see cref="Exchange.Hosting.ShortWait.Timeout"/>, not the 30 s a command waits.
    /// </summary>
    public static IApplicationBuilder UseReadRetries(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (Exception ex) when (attempt < Delays.Length && (IsRetryable(ex) || ex is TimeoutException) && !context.Response.HasStarted)
            {
                GatewayRetries.Add(1);
                await Task.Delay(Delays[attempt], context.RequestAborted);
            }
        }
    });

    // A meter of the gateway's name, so /metrics shows it with the gateway's own instruments.
    private static readonly Meter RetryMeter = new(Telemetry.GatewayMetrics.MeterName);
    private static readonly Counter<long> GatewayRetries = RetryMeter.CreateCounter<long>("exchange.gateway.cluster.retries", "{call}",
        "Grain calls repeated after the cluster refused to deliver them (a silo died or could not be reached)");
}
