using Exchange.Accounts;
using Exchange.Client.Hosting;
using Exchange.Client.Markets;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Accounts;

/// <summary>
/// The gateway's account feeds: one per account that has at least one authenticated socket on a private channel, so N
/// sockets of one account cost one grain subscription. The last socket to leave ends the subscription. Account grains
/// drop observers that are not renewed, and a re-activated account (after a silo failure) knows none, so the hub
/// renews every subscription periodically.
/// </summary>
public sealed partial class AccountFeedHub : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Entry> _feeds = [];
    private readonly IClusterClient _cluster;
    private readonly MarketDirectory _markets;
    private readonly TimeProvider _clock;
    private readonly ILogger<AccountFeedHub> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _renewing;
    private int _clientStoppedLogged;

    public AccountFeedHub(IClusterClient cluster, MarketDirectory markets, TimeProvider clock, IOptions<GatewayOptions> options,
        ILogger<AccountFeedHub> logger)
    {
        _cluster = cluster;
        _markets = markets;
        _clock = clock;
        _logger = logger;
        _renewing = Renew(options.Value.MarketDataRenewal);
    }

    /// <summary>How many accounts have a feed (and so a grain subscription) now.</summary>
    public int Accounts
    {
        get { lock (_lock) return _feeds.Count; }
    }

    /// <summary>The account's feed, subscribed to its grain; every call must be matched by one <see cref="Leave"/>.</summary>
    public async Task<AccountFeed> Join(long accountId)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(accountId, out entry!)) _feeds[accountId] = entry = new Entry(Start(accountId));
            entry.Users++;
        }
        try
        {
            return await entry.Start;
        }
        catch
        {
            await Leave(accountId);
            throw;
        }
    }

    public async Task Leave(long accountId)
    {
        Entry? last = null;
        lock (_lock)
        {
            if (_feeds.TryGetValue(accountId, out var entry) && --entry.Users == 0)
            {
                _feeds.Remove(accountId);
                last = entry;
            }
        }
        if (last is { Start.IsCompletedSuccessfully: true }) await Stop(last.Start.Result);
    }

    private async Task<AccountFeed> Start(long accountId)
    {
        await Task.Yield();
        var feed = new AccountFeed(accountId, _markets, _clock, _logger);
        feed.Reference = _cluster.CreateObjectReference<IAccountObserver>(feed);
        try
        {
            await _cluster.GetGrain<IAccountGrain>(accountId).Subscribe(feed.Reference);
            return feed;
        }
        catch
        {
            _cluster.DeleteObjectReference<IAccountObserver>(feed.Reference);
            await feed.Stop();
            throw;
        }
    }

    private async Task Stop(AccountFeed feed)
    {
        try
        {
            await _cluster.GetGrain<IAccountGrain>(feed.AccountId).Unsubscribe(feed.Reference!);
            _cluster.DeleteObjectReference<IAccountObserver>(feed.Reference!);
        }
        catch (ObjectDisposedException)
        {
            // The cluster client stopped first (a co-hosted silo shutting down): the subscription ended with it.
            if (Interlocked.Exchange(ref _clientStoppedLogged, 1) == 0) LogClientStopped();
        }
        catch (Exception ex)
        {
            LogSubscriptionFailed(ex, feed.AccountId); // the grain drops it when it is not renewed
            _cluster.DeleteObjectReference<IAccountObserver>(feed.Reference!);
        }
        await feed.Stop();
    }

    private async Task Renew(TimeSpan period)
    {
        using var timer = new PeriodicTimer(period, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                AccountFeed[] feeds;
                lock (_lock) feeds = [.. _feeds.Values.Where(e => e.Start.IsCompletedSuccessfully).Select(e => e.Start.Result)];
                foreach (var feed in feeds)
                {
                    try { await _cluster.GetGrain<IAccountGrain>(feed.AccountId).Subscribe(feed.Reference!); }
                    catch (Exception ex) { LogSubscriptionFailed(ex, feed.AccountId); }
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
        Entry[] entries;
        lock (_lock)
        {
            entries = [.. _feeds.Values];
            _feeds.Clear();
        }
        foreach (var entry in entries.Where(e => e.Start.IsCompletedSuccessfully)) await Stop(entry.Start.Result);
        _stopping.Dispose();
    }

    private sealed class Entry(Task<AccountFeed> start)
    {
        public Task<AccountFeed> Start { get; } = start;
        public int Users { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The subscription to account {AccountId} could not be renewed or ended")]
    private partial void LogSubscriptionFailed(Exception ex, long accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The cluster client stopped before the account feed hub; its subscriptions ended with it")]
    private partial void LogClientStopped();
}
