using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Exchange.Stress.Cluster;

/// <summary>
/// Waiting for something that happens on its own (a silo joining, a process exiting): try, and on failure try again
/// after a short pause that grows (10 ms doubling to 250 ms), until a deadline; then the last failure is thrown.
/// </summary>
internal static class Poll
{
    public static async Task<T> Until<T>(Func<Task<T>> attempt, TimeSpan within, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var left = within - clock.Elapsed;
                return await attempt().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (clock.Elapsed >= within) ExceptionDispatchInfo.Throw(ex);
            }
            await Task.Delay(pause, cancellationToken); // the backoff between attempts, not a wait for the outcome
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(250).Ticks));
        }
    }

    public static Task Until(Func<Task> attempt, TimeSpan within, CancellationToken cancellationToken) =>
        Until(async () => { await attempt(); return true; }, within, cancellationToken);
}
