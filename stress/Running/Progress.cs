namespace Exchange.Stress.Running;

/// <summary>
/// One line a second on the console: where the run is and what the exchange is doing, and the time garbage collections
/// have paused this process so far (the exchange's too on the local target: a long pause shows as a jump).
/// </summary>
internal sealed class Progress(TextWriter log, RunClock clock, Recorder recorder, LiveState live, Observations seen, Makers makers, string symbol)
{
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var view = live.Latest(symbol);
                var age = view is null ? 0 : clock.NowMs - view.At;
                var read = age > LiveState.MaxAgeMs ? $" (read {age / 1000.0:0.0}s ago)" : "";
                var handled = seen.Watched.Values.Count(w => w.HandledAt is not null);
                var crossed = seen.Watched.Values.Count(w => w.CrossedAt is not null);
                log.WriteLine($"[{clock.NowMs / 1000.0,6:0.0}s] {symbol} index {view?.Index?.ToString() ?? "STALE"} mark {view?.Mark} {view?.Mode}{read} | " +
                              $"orders {recorder.Sent} ack {recorder.AcknowledgedCount} refused {recorder.Refused} unknown {recorder.Unknown} | " +
                              $"cancels {recorder.CancelsAccepted}/{recorder.CancelsRefused} | liquidated {handled}/{crossed} steps {seen.Liquidations.Count} | " +
                              $"makers quoting {makers.Quoting} | gc paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
