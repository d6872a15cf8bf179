using Exchange.Markets;
using Exchange.Matching;
using Exchange.Pricing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Oracles;

/// <summary>
/// One index: takes its feeds' prices, computes the index on every tick with <see cref="IndexPriceAggregator"/>
/// (the rules live there, time as an argument), keeps its realised volatility, and sends each reading to the markets
/// that follow it when it changed, and at least every heartbeat. The policy, feeds and followers persist; prices do
/// not, so an oracle that restarts reports its index stale until feeds publish again, and says nothing for one
/// staleness period first (a feed that published a moment ago has had no chance to do so again).
/// </summary>
public sealed partial class OracleGrain : Grain, IOracleGrain
{
    private readonly IPersistentState<OracleRecord> _record;
    private readonly TimeProvider _clock;
    private readonly OracleOptions _options;
    private readonly ILogger<OracleGrain> _logger;
    private readonly FeedBook _feeds = new();
    private IndexReading _reading = new(0, IndexStatus.Stale, []);
    private VolatilityState _volatility;
    private IndexTicker _ticker = null!;
    private IGrainTimer? _timer;
    private readonly Dictionary<string, Task> _sending = new(StringComparer.Ordinal);

    public OracleGrain(
        [PersistentState("oracle", OracleStorage.Name)] IPersistentState<OracleRecord> record,
        TimeProvider clock, IOptions<OracleOptions> options, ILogger<OracleGrain> logger)
    {
        (_record, _clock, _options, _logger) = (record, clock, options.Value, logger);
    }

    private string Index => this.GetPrimaryKeyString();

    private OracleRecord Record => _record.State;

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ticker = new IndexTicker(Now, (long)_options.HeartbeatInterval.TotalMilliseconds);
        if (Record.Policy is not null) StartTicking();
        return Task.CompletedTask;
    }

    public async Task Configure(IndexPolicy policy, VolatilityPolicy? volatility = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IndexRules.IsValidName(Index)) throw new ArgumentException("the index name must be 1-32 characters of A-Z, 0-9 and '-'");
        if (policy.Problem() is { } problem) throw new ArgumentException(problem, nameof(policy));
        if (volatility?.Problem() is { } volatilityProblem) throw new ArgumentException(volatilityProblem, nameof(volatility));
        if (volatility is not null && volatility != Record.Volatility) _volatility = default;
        Record.Policy = policy;
        Record.Volatility = volatility ?? Record.Volatility;
        await Save();
        StartTicking();
    }

    public async Task<string> AddFeed(string name)
    {
        if (Record.Policy is null) throw new KeyNotFoundException($"index {Index} does not exist");
        if (!IsValidFeedName(name)) throw new ArgumentException("a feed name is 1-32 characters of a-z, A-Z, 0-9, '-' and '_'", nameof(name));
        if (Record.Feeds.Any(f => f.Name == name)) throw new ArgumentException($"index {Index} already has a feed named {name}", nameof(name));
        var feed = new RegisteredFeed($"{Index}.{name}", name, Enabled: true);
        Record.Feeds.Add(feed);
        await Save();
        return feed.FeedId;
    }

    public async Task SetFeedEnabled(string feedId, bool enabled)
    {
        var at = Record.Feeds.FindIndex(f => f.FeedId == feedId);
        if (at < 0) throw new KeyNotFoundException($"index {Index} has no feed {feedId}");
        if (Record.Feeds[at].Enabled == enabled) return;
        Record.Feeds[at] = Record.Feeds[at] with { Enabled = enabled };
        await Save();
    }

    public Task<PublishResult[]> Publish(string feedId, FeedPrice[] prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        if (Record.Policy is not { } policy) return Task.FromResult(prices.Select(_ => PublishResult.UnknownIndex).ToArray());
        var feed = Record.Feeds.Find(f => f.FeedId == feedId);
        var now = Now;
        var skew = (long)_options.MaxFutureSkew.TotalMilliseconds;
        var results = prices.Select(p => _feeds.Take(feed, p, now, skew)).ToArray();
        foreach (var result in results) OracleMetrics.Published(Index, result);
        Recompute(policy, now);
        return Task.FromResult(results);
    }

    public Task<IndexView?> GetIndex()
    {
        if (Record.Policy is not { } policy) return Task.FromResult<IndexView?>(null);
        var now = Now;
        var reading = Recompute(policy, now);
        var feeds = Record.Feeds.Select((f, i) =>
        {
            var (accepted, refused) = _feeds.Counts(f.FeedId);
            var r = reading.Feeds[i];
            return new FeedView(f.FeedId, f.Name, f.Enabled, r.Price, r.AgeMs, r.Status, accepted, refused);
        }).ToArray();
        return Task.FromResult<IndexView?>(new IndexView(Index, reading.Price, reading.Status, now,
            RealisedVolatility.SigmaPpm(_volatility), RealisedVolatility.HorizonSigmaPpm(Record.Volatility, _volatility),
            feeds, policy, Record.Volatility, [.. Record.Markets]));
    }

    public async Task Follow(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (Record.Markets.Contains(symbol)) return;
        Record.Markets.Add(symbol);
        await Save();
    }

    public Task Wake() => Task.CompletedTask;

    /// <summary>
    /// Writes the record changed in memory. If the write fails, the memory and the store may disagree: this
    /// activation goes, and the next one reads what the store really holds.
    /// </summary>
    private async Task Save()
    {
        try
        {
            await _record.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private void StartTicking() => _timer ??= this.RegisterGrainTimer(Tick,
        new GrainTimerCreationOptions(_options.TickInterval, _options.TickInterval) { KeepAlive = true });

    /// <summary>The index now, from the feeds' latest prices; the previous price is only shown while stale.</summary>
    private IndexReading Recompute(IndexPolicy policy, long now)
    {
        var previous = _reading;
        _reading = IndexPriceAggregator.Aggregate(policy, Record.Feeds.Select(_feeds.Quote).ToArray(), now, previous.Price);
        OracleMetrics.Read(Index, previous, _reading);
        return _reading;
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        if (Record.Policy is not { } policy) return;
        var now = Now;
        var reading = Recompute(policy, now);
        // Sampled on the oracle's tick, never from a stale index: a price nobody trusts is no return.
        if (reading.Status != IndexStatus.Stale)
            _volatility = RealisedVolatility.Observe(Record.Volatility, _volatility, reading.Price, now);
        var candidate = new IndexUpdate(Index, reading.Price, reading.Status, now, RealisedVolatility.HorizonSigmaPpm(Record.Volatility, _volatility));
        if (_ticker.Next(candidate, policy.StaleAfterMs, now) is not { } update) return;
        var sends = new List<Task>(Record.Markets.Count);
        foreach (var symbol in Record.Markets)
        {
            // One reading in flight per market, so a market takes its readings in order. A market still on the last one
            // (its silo died under the call, which then waits for the cluster to notice) misses this one and gets a later.
            if (_sending.TryGetValue(symbol, out var busy) && !busy.IsCompleted) continue;
            sends.Add(_sending[symbol] = Send(symbol, update));
        }
        // The other markets must not wait for it: beyond a tick they would go silent and distrust a healthy index.
        await Task.WhenAny(Task.WhenAll(sends), Task.Delay(_options.TickInterval, _clock, cancellationToken));
    }

    private async Task Send(string symbol, IndexUpdate update)
    {
        try
        {
            await GrainFactory.GetGrain<IMarketGrain>(symbol).ApplyIndex(update);
        }
        catch (Exception e)
        {
            // One market that cannot take the reading does not hold up the others; the next tick sends it again.
            LogNotTaken(_logger, e, Index, symbol);
            _ticker.NotDelivered(update);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index {Index}: market {Symbol} did not take the reading")]
    private static partial void LogNotTaken(ILogger logger, Exception exception, string index, string symbol);

    private static bool IsValidFeedName(string? name) =>
        name is { Length: > 0 and <= 32 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>The grain storage the oracles keep their records in.</summary>
public static class OracleStorage
{
    public const string Name = "oracles";
}
