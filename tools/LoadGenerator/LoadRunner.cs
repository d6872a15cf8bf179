using System.Diagnostics;

namespace Exchange.LoadGenerator;

/// <summary>
/// Runs the callers for warm-up plus duration. Each caller owns a slice of the accounts (so an account's resting-order
/// list has one writer) and sends one request at a time over the shared keep-alive pool. Open loop (<c>--rate</c>):
/// each caller sends on its own schedule and a request's latency counts from when it was due, so a stall is not hidden
/// by the requests it delayed (no coordinated omission).
/// </summary>
internal sealed class LoadRunner(HttpClient http, LoadOptions options, Market[] markets, TradingAccount[] accounts, LoadStats stats)
{
    public async Task RunAsync(CancellationToken stop)
    {
        var callers = Enumerable.Range(0, options.Callers).Select(c => Task.Run(() => CallerAsync(c, stop), CancellationToken.None)).ToArray();
        await Task.WhenAll(callers);
    }

    private async Task CallerAsync(int caller, CancellationToken stop)
    {
        var mine = accounts.Where((_, i) => i % options.Callers == caller).ToArray();
        var flow = new OrderFlow(markets, options, new Random(options.Seed * 7919 + caller));
        var interval = options.Rate > 0 ? (long)(Stopwatch.Frequency * (double)options.Callers / options.Rate) : 0;
        var due = Stopwatch.GetTimestamp() + Random.Shared.NextInt64(Math.Max(1, interval)); // spread the callers' phases
        var rebased = false;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var start = Stopwatch.GetTimestamp();
            if (interval > 0)
            {
                // A backlog left by the warm-up (cold grains, JIT, new connections) is not the measured phase's latency.
                if (!rebased && stats.Measuring)
                {
                    rebased = true;
                    due = Math.Max(due, start);
                }
                if (due > start)
                {
                    try { await Task.Delay(Stopwatch.GetElapsedTime(start, due), stop); }
                    catch (OperationCanceledException) { return; }
                }
                start = due;
                due += interval;
            }
            var account = mine[n % mine.Length];
            await SendAsync(account, flow.Next(account), start);
        }
    }

    private async Task SendAsync(TradingAccount account, PlannedRequest planned, long start)
    {
        int status;
        Answer answer;
        try
        {
            using var request = account.Signer.Sign(planned.Method, planned.PathAndQuery, planned.Body);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            status = (int)response.StatusCode;
            answer = Answer.Read(await response.Content.ReadAsByteArrayAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            status = 0;
            answer = new Answer(0, null, "TRANSPORT_" + ex.GetType().Name);
        }
        stats.Record(planned.Kind, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds, status, answer.Code);

        var resting = account.Resting[planned.Market];
        if (planned.Kind == RequestKind.Cancel)
        {
            // Gone either way unless the gateway could not tell (5xx or transport): then keep it and try again later.
            if (status is >= 200 and < 500) resting.Remove(planned.OrderId);
        }
        else if (status == 201 && answer.Rests)
        {
            resting.Add(answer.OrderId);
        }
    }
}
