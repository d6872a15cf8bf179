using System.Collections.Concurrent;
using Exchange.Client.Hosting;
using Exchange.Client.Markets;
using Exchange.Client.Telemetry;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Options;

namespace Exchange.Client.MarketData;

/// <summary>
/// The gateway's market feeds, one per market that any socket asked for, started on first use and kept while the
/// gateway runs. Market grains drop observers that are not renewed, so the hub renews every subscription
/// periodically (which also re-subscribes to a market that was re-activated elsewhere after a silo failure).
/// </summary>
public sealed partial class MarketDataHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task<MarketFeed>> _feeds = new(StringComparer.Ordinal);
    private readonly IClusterClient _cluster;
    private readonly MarketDirectory _markets;
    private readonly ILogger<MarketDataHub> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _renewing;

    public MarketDataHub(IClusterClient cluster, MarketDirectory markets, TimeProvider clock, IOptions<GatewayOptions> options,
        GatewayMetrics metrics, ILogger<MarketDataHub> logger)
    {
        metrics.ObserveSnapshots(() => SnapshotsWritten);
        _cluster = cluster;
        _markets = markets;
        _logger = logger;
        _renewing = Renew(options.Value.MarketDataRenewal, clock);
    }

    /// <summary>The market's feed, started (subscribed and snapshotted) if it was not running; throws if it cannot start.</summary>
    public async Task<MarketFeed> Feed(MarketSpec spec)
    {
        var start = _feeds.GetOrAdd(spec.Symbol, _ => Start(spec));
        try
        {
            return await start;
        }
        catch
        {
            _feeds.TryRemove(KeyValuePair.Create(spec.Symbol, start)); // the next subscriber tries again
            throw;
        }
    }

    /// <summary>Snapshot messages written by all feeds.</summary>
    public long SnapshotsWritten => _feeds.Values.Where(f => f.IsCompletedSuccessfully).Sum(f => f.Result.SnapshotsWritten);

    /// <summary>Takes a subscriber off every feed (its socket closed).</summary>
    public void Remove(IFeedSubscriber subscriber)
    {
        foreach (var feed in _feeds.Values)
            if (feed.IsCompletedSuccessfully) feed.Result.Remove(subscriber);
    }

    private async Task<MarketFeed> Start(MarketSpec spec)
    {
        await Task.Yield();
        var market = _markets.Market(spec);
        var feed = new MarketFeed(spec, market);
        feed.Reference = _cluster.CreateObjectReference<IMarketDataObserver>(feed);
        await market.Subscribe(feed.Reference);
        await feed.Resync();
        return feed;
    }

    private async Task Renew(TimeSpan period, TimeProvider clock)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                foreach (var start in _feeds.Values.Where(f => f.IsCompletedSuccessfully))
                {
                    var feed = start.Result;
                    try
                    {
                        await _cluster.GetGrain<IMarketGrain>(feed.Symbol).Subscribe(feed.Reference!);
                        if (feed.NeedsSnapshot) await feed.Resync();
                    }
                    catch (Exception ex)
                    {
                        LogRenewFailed(ex, feed.Symbol);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _renewing;
        foreach (var start in _feeds.Values.Where(f => f.IsCompletedSuccessfully))
        {
            var feed = start.Result;
            try
            {
                await _cluster.GetGrain<IMarketGrain>(feed.Symbol).Unsubscribe(feed.Reference!);
                _cluster.DeleteObjectReference<IMarketDataObserver>(feed.Reference!);
            }
            catch (ObjectDisposedException)
            {
                // The cluster client stopped first (a co-hosted silo shutting down): its subscriptions ended with it.
                LogClientStopped();
                break;
            }
            catch (Exception ex)
            {
                LogRenewFailed(ex, feed.Symbol);
            }
        }
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market data subscription to {Symbol} could not be renewed")]
    private partial void LogRenewFailed(Exception ex, string symbol);

    [LoggerMessage(Level = LogLevel.Information, Message = "The cluster client stopped before the market data hub; its subscriptions ended with it")]
    private partial void LogClientStopped();
}
