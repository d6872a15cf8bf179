using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Exchange.Tests.Infrastructure;

/// <summary>
/// The one way a test waits for something that happens on its own (a recovery, a push, a timer): try, and on
/// failure try again after a short pause that grows (10 ms doubling to 250 ms), until a deadline. Never a fixed
/// wait for an outcome: the loop ends as soon as the attempt succeeds.
/// </summary>
public static class Polling
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it returns without throwing. Once <paramref name="within"/> has passed,
    /// rethrows the last attempt's failure (an attempt still running at the deadline is abandoned).
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> attempt, TimeSpan? within = null)
    {
        var deadline = within ?? DefaultDeadline;
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(10);
        Exception? last = null;
        while (clock.Elapsed < deadline)
        {
            Task<T> call;
            try { call = attempt(); }
            catch (Exception ex) { call = Task.FromException<T>(ex); }
            try
            {
                var left = deadline - clock.Elapsed;
                return await call.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (Exception ex)
            {
                if (!call.IsCompleted)
                {
                    last ??= new TimeoutException($"an attempt was still running after {deadline}");
                    break;
                }
                last = ex;
            }
            await Task.Delay(pause); // the backoff between attempts, not a wait for the outcome
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(250).Ticks));
        }
        ExceptionDispatchInfo.Throw(last ?? new TimeoutException($"no attempt within {deadline}"));
        throw new UnreachableException();
    }

    public static Task Eventually(Func<Task> attempt, TimeSpan? within = null) =>
        Eventually(async () => { await attempt(); return true; }, within);
}
