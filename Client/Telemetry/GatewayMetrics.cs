using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Exchange.Client.Telemetry;

/// <summary>
/// The gateway's own instruments (meter <see cref="MeterName"/>): orders accepted (a counter: a rate of it is orders
/// per second), refusals by error code, the time from an order's arrival to its durable answer, and open WebSockets.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Exchange.Gateway";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _acknowledged;
    private long _webSockets;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("exchange.gateway.orders.accepted", "{order}", "Orders accepted by a market (durable)");
        _rejected = meter.CreateCounter<long>("exchange.gateway.orders.rejected", "{order}", "Orders refused, by error code");
        _acknowledged = meter.CreateHistogram<double>("exchange.gateway.order.ack.duration", "ms",
            "From an order's arrival to its answer, which is durable: accepted and committed, or refused",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });
        // Observed rather than added to, so that the gauge is reported (as 0) before the first connection.
        meter.CreateObservableUpDownCounter("exchange.gateway.websocket.clients", () => Interlocked.Read(ref _webSockets),
            "{connection}", "Open WebSocket connections");
    }

    /// <summary>An order's answer: accepted (null code) or refused with its API error code. A repeat is no new order.</summary>
    public void OrderAnswered(long startedAt, string? refusalCode, bool newOrder = true)
    {
        _acknowledged.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds,
            new KeyValuePair<string, object?>("outcome", refusalCode is null ? "accepted" : "rejected"));
        if (refusalCode is null)
        {
            if (newOrder) _accepted.Add(1);
        }
        else _rejected.Add(1, new KeyValuePair<string, object?>("code", refusalCode));
    }

    public void WebSocketOpened() => Interlocked.Increment(ref _webSockets);

    public void WebSocketClosed() => Interlocked.Decrement(ref _webSockets);
}
