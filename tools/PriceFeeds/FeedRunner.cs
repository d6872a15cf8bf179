using System.Collections.Concurrent;
using System.Globalization;

namespace Exchange.PriceFeeds;

/// <summary>One publishing feed: its signed publisher, its own noise around the honest price, and its faults.</summary>
public sealed class SimulatedFeed(FeedPublisher publisher, FeedNoise noise, FeedFaults faults)
{
    public FeedPublisher Publisher { get; } = publisher;
    public FeedNoise Noise { get; } = noise;
    public FeedFaults Faults { get; } = faults;
    public string Name => Publisher.Feed.Name;
}

/// <summary>How often to publish, and when to stop: after <see cref="Duration"/> or <see cref="Rounds"/> rounds (null: unbounded), or when the source runs out.</summary>
public sealed record FeedRunLimits(TimeSpan Interval, TimeSpan? Duration = null, long? Rounds = null);

/// <summary>Counts of a run: prices accepted, refused by code, withheld by a freeze.</summary>
public sealed class FeedStats
{
    private long _accepted, _withheld, _rounds;

    public ConcurrentDictionary<string, long> Refused { get; } = new(StringComparer.Ordinal);
    public long Accepted => Interlocked.Read(ref _accepted);
    public long Withheld => Interlocked.Read(ref _withheld);
    public long Rounds => Interlocked.Read(ref _rounds);

    internal void Round() => Interlocked.Increment(ref _rounds);
    internal void Accept() => Interlocked.Increment(ref _accepted);
    internal void Withhold() => Interlocked.Increment(ref _withheld);

    /// <summary>Counts a refusal; true the first time its code is seen.</summary>
    internal bool Refuse(string code) => Refused.AddOrUpdate(code, 1, (_, n) => n + 1) == 1;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Rounds} rounds: {Accepted} accepted, {Refused.Values.Sum()} refused{(Refused.IsEmpty ? "" : " (" + string.Join(", ", Refused.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")) + ")")}, {Withheld} withheld");
}

/// <summary>
/// Publishes an index's feeds together: every interval, the source's honest price, through each feed's noise and
/// faults, signed by each feed and sent at once. Stops by itself at its limits or when the source runs out, and on
/// cancellation. A failed request is counted and the run goes on: a feed keeps publishing through a gateway restart.
/// </summary>
public sealed class FeedRunner(IPriceSource source, IReadOnlyList<SimulatedFeed> feeds, FeedRunLimits limits, TimeProvider clock,
    TextWriter? log = null, TimeSpan? reportEvery = null)
{
    public FeedStats Stats { get; } = new();

    /// <summary>What each feed publishes <paramref name="elapsed"/> after the start (a frozen feed: nothing); null once the source has run out.</summary>
    public IReadOnlyList<(SimulatedFeed Feed, long Price)>? Plan(TimeSpan elapsed)
    {
        if (source.PriceAt(elapsed) is not { } honest) return null;
        var plan = new List<(SimulatedFeed, long)>(feeds.Count);
        foreach (var feed in feeds)
        {
            var noisy = feed.Noise.Apply(honest);
            if (feed.Faults.Apply(elapsed, noisy) is { } price) plan.Add((feed, price));
            else Stats.Withhold();
        }
        return plan;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var lastReport = TimeSpan.Zero;
        using var timer = new PeriodicTimer(limits.Interval, clock);
        try
        {
            do
            {
                var elapsed = clock.GetElapsedTime(started);
                if (elapsed >= limits.Duration || Stats.Rounds >= limits.Rounds) break;
                if (Plan(elapsed) is not { } plan) break;
                Stats.Round();
                await Task.WhenAll(plan.Select(p => PublishAsync(p.Feed, p.Price, cancellationToken)));
                if (reportEvery is { } every && elapsed - lastReport >= every)
                {
                    lastReport = elapsed;
                    log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds,6:F1}s {Stats}"));
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(SimulatedFeed feed, long price, CancellationToken cancellationToken)
    {
        PriceResult result;
        try
        {
            result = await feed.Publisher.PublishAsync(price, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            result = new PriceResult(false, "TRANSPORT_ERROR", ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new PriceResult(false, "TIMEOUT", "no answer in time");
        }
        if (result.Accepted) Stats.Accept();
        else if (Stats.Refuse(result.Code ?? "REFUSED"))
            log?.WriteLine($"{feed.Publisher.Feed.FeedId}: {PriceUnits.Format(price)} refused: {result.Code} {result.Message}");
    }
}
