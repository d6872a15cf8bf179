using Exchange.PriceFeeds;
using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>
/// Publishes each index's path through the signed feed API, every feed at each step of its path, from before the run
/// (the path's first price, so the index is trusted while the population is built) to the end: a lying feed publishes
/// the path moved by its lie, a frozen one publishes nothing. Refusals and prices not answered in time are counted, never
/// retried: a price is news only once.
/// </summary>
internal sealed class PathPlayer(HttpClient http, RunClock clock, FaultSchedule faults, IReadOnlyDictionary<string, PricePath> paths,
    IReadOnlyDictionary<string, IReadOnlyList<FeedCredentials>> feeds)
{
    private const int PublishDeadlineMs = 2_000;
    private long _accepted, _refused;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(paths.Values.Select(p => PlayAsync(p, ct)));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private Task PlayAsync(PricePath path, CancellationToken ct) =>
        Task.WhenAll(feeds[path.Index].Select((f, i) => FeedAsync(path, i + 1, new FeedPublisher(http, f, TimeProvider.System), ct)));

    /// <summary>
    /// One feed's loop, on its own as real publishers are: a feed whose request hangs (it went to a silo that died) must
    /// not hold back the others, and a price not answered within <see cref="PublishDeadlineMs"/> is given up (the next
    /// one is news; a repeat would be refused as not newer anyway).
    /// </summary>
    private async Task FeedAsync(PricePath path, int number, FeedPublisher publisher, CancellationToken ct)
    {
        var next = clock.NowMs;
        while (!ct.IsCancellationRequested)
        {
            var now = clock.NowMs;
            if (!faults.IsFrozen(path.Index, number, now))
            {
                var lie = faults.LiePercent(path.Index, number, now);
                var truth = path.PriceAt(now);
                var price = lie == 0 ? truth : (long)Math.Round(truth * (1 + lie / 100));
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(PublishDeadlineMs);
                try
                {
                    var result = await publisher.PublishAsync(price, deadline.Token);
                    Interlocked.Increment(ref result.Accepted ? ref _accepted : ref _refused);
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    Interlocked.Increment(ref _refused);
                }
            }
            next += path.StepMs;
            if (next - clock.NowMs > 2 * path.StepMs) next = clock.NowMs + path.StepMs;   // the run's clock started: follow it
            try
            {
                await clock.UntilAsync(next, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (clock.NowMs - next > 5 * path.StepMs) next = clock.NowMs;     // fell far behind (a stall): do not burst to catch up
        }
    }
}
