using Exchange.Journal;

namespace Exchange.Markets;

/// <summary>
/// When a market snapshots, and the saving of a snapshot off the grain's turn. The copy is taken at a batch's cut
/// (<see cref="PendingBatch.Cut"/>); this class only decides that one is due and stores it. Never fails the market:
/// a missing snapshot only makes the next recovery replay more.
/// </summary>
internal sealed class MarketSnapshots(string symbol, IMarketJournal journal, TimeProvider clock, MarketOptions options,
    Action<string, Exception?> log)
{
    private long _sequence;
    private DateTimeOffset _time;

    /// <summary>Counts from the given sequence, now: the book was just loaded there.</summary>
    public void Reset(long sequence) => (_sequence, _time) = (sequence, clock.GetUtcNow());

    /// <summary>Whether a batch ending at <paramref name="sequence"/> should be snapshotted; if so, counts from it.</summary>
    public bool TakeIfDue(long sequence)
    {
        var due = sequence - _sequence >= options.SnapshotEveryEvents
            || (sequence > _sequence && clock.GetUtcNow() - _time >= options.SnapshotInterval);
        if (due) Reset(sequence);
        return due;
    }

    public async Task SaveInBackground(CapturedBook captured)
    {
        try
        {
            // Hashing and encoding a large book takes long (about a second for a million orders): on the thread
            // pool, not on the grain's turn, so commands keep flowing meanwhile. The copy is immutable.
            await Task.Run(async () =>
            {
                using var deadline = new CancellationTokenSource(options.RecoveryTimeout);
                await journal.SaveSnapshot(symbol, captured.ToStored(), deadline.Token);
            });
        }
        catch (Exception ex)
        {
            // A missing snapshot only makes the next recovery replay more; the journal is intact.
            log($"Snapshot save failed for {symbol}", ex);
        }
    }
}
