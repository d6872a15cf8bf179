using Exchange.PriceFeeds;
using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>
/// Publishes each index's path through the signed feed API, every feed at each step of its path, from before the run
/// (the path's first price, so the index is trusted while the population is built) to the end: a lying feed publishes
/// the path moved by its lie, a frozen one publishes nothing. Refusals are counted, never retried: a price is news only once.
/// </summary>
internal sealed class PathPlayer(HttpClient http, RunClock clock, FaultSchedule faults, IReadOnlyDictionary<string, PricePath> paths,
    IReadOnlyDictionary<string, IReadOnlyList<FeedCredentials>> feeds)
{
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

    private async Task PlayAsync(PricePath path, CancellationToken ct)
    {
        var publishers = feeds[path.Index].Select((f, i) => (Number: i + 1, Publisher: new FeedPublisher(http, f, TimeProvider.System))).ToArray();
        var next = clock.NowMs;
        while (!ct.IsCancellationRequested)
        {
            var now = clock.NowMs;
            var truth = path.PriceAt(now);
            await Task.WhenAll(publishers.Select(async p =>
            {
                if (faults.IsFrozen(path.Index, p.Number, now)) return;
                var lie = faults.LiePercent(path.Index, p.Number, now);
                var price = lie == 0 ? truth : (long)Math.Round(truth * (1 + lie / 100));
                try
                {
                    var result = await p.Publisher.PublishAsync(price, ct);
                    Interlocked.Increment(ref result.Accepted ? ref _accepted : ref _refused);
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    Interlocked.Increment(ref _refused);
                }
            }));
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
