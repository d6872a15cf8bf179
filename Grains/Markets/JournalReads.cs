using System.Diagnostics;

namespace Exchange.Markets;

/// <summary>
/// At most a few journal reads at once for a market's queries (an account catching up on what its memory no longer
/// holds, an old order's history). The market is reentrant, so these reads run side by side: thousands at once (every
/// account catching up after a reload, 9,292 in the 100,000-account crash) took the database from the market's own
/// appends, which timed out and sent it into recovery again. The others wait their turn within the same deadline.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001",
    Justification = "A SemaphoreSlim holds no kernel handle unless its AvailableWaitHandle is asked for; the gate lives as long as the activation")]
internal sealed class JournalReads(string symbol, int concurrent)
{
    private readonly SemaphoreSlim _gate = new(concurrent, concurrent);

    /// <summary>Runs <paramref name="read"/> when a place is free, giving it what is left of <paramref name="timeout"/>.</summary>
    /// <exception cref="MarketUnavailableException">No place came free within the deadline.</exception>
    public async Task<T> Run<T>(TimeSpan timeout, Func<TimeSpan, Task<T>> read)
    {
        var started = Stopwatch.GetTimestamp();
        if (!await _gate.WaitAsync(timeout))
            throw new MarketUnavailableException($"{symbol}: too many journal reads are waiting; ask again");
        try
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) throw new MarketUnavailableException($"{symbol}: the journal read waited out its deadline; ask again");
            return await read(left);
        }
        finally
        {
            _gate.Release();
        }
    }
}
