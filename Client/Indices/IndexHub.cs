using System.Collections.Concurrent;
using System.Text.Json;
using Exchange.Client.Hosting;
using Exchange.Client.MarketData;
using Exchange.Client.Markets;
using Exchange.Client.Telemetry;
using Exchange.Matching;
using Exchange.Oracles;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Indices;

/// <summary>
/// The indices this gateway watches, one entry per index shared by every socket: the oracle's latest view of it, read
/// once per <see cref="GatewayOptions.IndexPollInterval"/> (polled rather than observed, so the oracle grain keeps no
/// list of gateways), and the sockets subscribed to its channel, which get the view whenever it changes. An index is
/// watched once it is known to exist: a market follows it, or it was configured or published to through this gateway.
/// Anyone's lookup of any other name is answered "unknown" without asking the cluster, so random names in hostile
/// requests never activate an oracle grain.
/// </summary>
public sealed partial class IndexHub : IAsyncDisposable
{
    public const int MaxWatched = 1000;

    private sealed class Watched
    {
        public readonly Lock Lock = new();
        public IndexView? View;
        public readonly HashSet<IFeedSubscriber> Subscribers = [];
    }

    private readonly ConcurrentDictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly IClusterClient _cluster;
    private readonly MarketDirectory _markets;
    private readonly ILogger<IndexHub> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _polling;

    public IndexHub(IClusterClient cluster, MarketDirectory markets, TimeProvider clock, IOptions<GatewayOptions> options,
        GatewayMetrics metrics, ILogger<IndexHub> logger)
    {
        (_cluster, _markets, _logger) = (cluster, markets, logger);
        metrics.ObserveIndices(Latest);
        _polling = Poll(options.Value.IndexPollInterval, clock);
    }

    /// <summary>The latest view of every watched index (for metrics).</summary>
    public IReadOnlyList<IndexView> Latest() => [.. _watched.Values.Select(w => Volatile.Read(ref w.View)).OfType<IndexView>()];

    /// <summary>The index as its oracle sees it now, for anyone: null if it is not one this gateway knows of, or not configured.</summary>
    public async Task<IndexView?> Find(string? index)
    {
        if (index is null || !IndexRules.IsValidName(index)) return null;
        if (!_watched.ContainsKey(index) && !(await _markets.Recent()).Any(s => s.Index?.Index == index)) return null;
        return await Read(index);
    }

    /// <summary>The index as its oracle sees it now (null: not configured), watched from now on. For callers that may name any index (the operator).</summary>
    public async Task<IndexView?> Read(string index)
    {
        var view = await _cluster.GetGrain<IOracleGrain>(index).GetIndex();
        if (view is null) return null;
        var watched = _watched.GetValueOrDefault(index);
        if (watched is null && _watched.Count < MaxWatched) watched = _watched.GetOrAdd(index, _ => new Watched());
        if (watched is not null) Update(watched, view);
        return view;
    }

    /// <summary>Watches an index known to exist (a feed just published to it).</summary>
    public void Watch(string index)
    {
        if (_watched.Count < MaxWatched) _watched.TryAdd(index, new Watched());
    }

    /// <summary>Subscribes a socket to the index's channel: it gets the current view now and every change. False: no such index.</summary>
    public async Task<bool> Subscribe(string index, IFeedSubscriber subscriber)
    {
        if (await Find(index) is null || _watched.GetValueOrDefault(index) is not { } watched) return false;
        lock (watched.Lock)
            if (watched.Subscribers.Add(subscriber) && watched.View is { } view) subscriber.TrySend(Message(view));
        return true;
    }

    public void Unsubscribe(string index, IFeedSubscriber subscriber)
    {
        if (_watched.GetValueOrDefault(index) is { } watched)
            lock (watched.Lock) watched.Subscribers.Remove(subscriber);
    }

    /// <summary>Takes a subscriber off every index (its socket closed).</summary>
    public void Remove(IFeedSubscriber subscriber)
    {
        foreach (var watched in _watched.Values)
            lock (watched.Lock) watched.Subscribers.Remove(subscriber);
    }

    /// <summary>The channel's message: <c>{"type":"index","channel":"index","index":NAME,"data":VIEW}</c>, VIEW as <c>GET /api/v1/indices/{index}</c>.</summary>
    public static byte[] Message(IndexView view) => JsonSerializer.SerializeToUtf8Bytes(
        new { type = "index", channel = "index", index = view.Index, data = IndexMapping.Index(view) }, JsonSerializerOptions.Web);

    private static void Update(Watched watched, IndexView view)
    {
        lock (watched.Lock)
        {
            var previous = watched.View;
            if (previous is not null && view.AsOf < previous.AsOf) return; // an older answer that arrived late
            Volatile.Write(ref watched.View, view);
            if (previous is not null && IndexMapping.SameForSubscribers(previous, view)) return;
            if (watched.Subscribers.Count == 0) return;
            var message = Message(view);
            foreach (var subscriber in watched.Subscribers) subscriber.TrySend(message);
        }
    }

    private async Task Poll(TimeSpan period, TimeProvider clock)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                await Task.WhenAll(_watched.Keys.Select(async index =>
                {
                    try
                    {
                        await Read(index);
                    }
                    catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
                    {
                        // the cluster client stopped first, while the gateway stops
                    }
                    catch (Exception ex)
                    {
                        LogPollFailed(ex, index);
                    }
                }));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _polling;
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index {Index} could not be read from its oracle")]
    private partial void LogPollFailed(Exception ex, string index);
}
