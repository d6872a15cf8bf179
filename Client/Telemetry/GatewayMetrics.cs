using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Exchange.Client.Telemetry;

/// <summary>
/// The gateway's own instruments (meter <see cref="MeterName"/>): orders accepted (a counter: a rate of it is orders
/// per second), refusals by error code, the time from an order's arrival to its durable answer, open WebSockets, feed
/// prices accepted and refused, and each watched index's and feed's status and age.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Exchange.Gateway";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _acknowledged;
    private readonly Counter<long> _pricesAccepted;
    private readonly Counter<long> _pricesRefused;
    private readonly Counter<long> _webSocketsDropped;
    private readonly Counter<long> _webSocketsRefused;
    private long _webSockets;
    private Func<long> _snapshots = () => 0;
    private Func<IReadOnlyList<Exchange.Oracles.IndexView>> _indices = () => [];

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
        _webSocketsDropped = meter.CreateCounter<long>("exchange.gateway.websocket.dropped", "{connection}",
            "WebSockets closed by the gateway, by reason: slow (outbox full) or flood (message budget spent)");
        _webSocketsRefused = meter.CreateCounter<long>("exchange.gateway.websocket.refused", "{connection}",
            "WebSocket requests refused: the client address had its connections open already");
        meter.CreateObservableCounter("exchange.gateway.book.snapshots", () => _snapshots(), "{snapshot}",
            "Book snapshots written for WebSocket subscribers (once per feed sequence, however many subscribe)");

        _pricesAccepted = meter.CreateCounter<long>("exchange.gateway.feed.prices.accepted", "{price}", "Feed prices the oracle took, by index");
        _pricesRefused = meter.CreateCounter<long>("exchange.gateway.feed.prices.refused", "{price}", "Feed prices refused, by index and error code");
        // Enum values as numbers (Prometheus has no strings): index 2 fresh, 1 degraded, 0 stale; feed 0 fresh, 1 stale,
        // 2 outlier, 3 disabled, 4 missing. Read from the indices the gateway watches (IndexHub), as of its last poll.
        meter.CreateObservableGauge("exchange.gateway.index.status", () => _indices().Select(v =>
                new Measurement<int>((int)v.Status, new KeyValuePair<string, object?>("index", v.Index))),
            null, "Each watched index's status: 2 fresh, 1 degraded, 0 stale");
        meter.CreateObservableGauge("exchange.gateway.index.feed.age", () => _indices().SelectMany(v => v.Feeds.Select(f =>
                new Measurement<long>(f.AgeMs, Tags(v.Index, f.Name)))),
            "ms", "Age of each feed's latest accepted price");
        meter.CreateObservableGauge("exchange.gateway.index.feed.status", () => _indices().SelectMany(v => v.Feeds.Select(f =>
                new Measurement<int>((int)f.Status, Tags(v.Index, f.Name)))),
            null, "Each feed's status: 0 fresh, 1 stale, 2 outlier, 3 disabled, 4 missing");
    }

    private static KeyValuePair<string, object?>[] Tags(string index, string feed) =>
        [new("index", index), new("feed", feed)];

    /// <summary>Where the index gauges read from (the gateway's <c>IndexHub</c>).</summary>
    public void ObserveIndices(Func<IReadOnlyList<Exchange.Oracles.IndexView>> indices) => _indices = indices;

    /// <summary>A feed's price answered: accepted (null code) or refused with its code.</summary>
    public void PriceAnswered(string index, string? refusalCode)
    {
        if (refusalCode is null) _pricesAccepted.Add(1, new KeyValuePair<string, object?>("index", index));
        else _pricesRefused.Add(1, new KeyValuePair<string, object?>("index", index), new KeyValuePair<string, object?>("code", refusalCode));
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

    /// <summary>Where the snapshot count is read from (the gateway's <c>MarketDataHub</c>).</summary>
    public void ObserveSnapshots(Func<long> snapshots) => _snapshots = snapshots;

    public void WebSocketDropped(string reason) => _webSocketsDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void WebSocketRefused() => _webSocketsRefused.Add(1);

    public void WebSocketOpened() => Interlocked.Increment(ref _webSockets);

    public void WebSocketClosed() => Interlocked.Decrement(ref _webSockets);
}
