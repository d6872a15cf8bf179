using Microsoft.Extensions.Options;

namespace Exchange.Accounts;

/// <summary>
/// How many accounts of this silo may be writing a periodic snapshot at once (<see cref="AccountOptions.SnapshotWritesInFlight"/>).
/// A snapshot only bounds what a reactivation fetches from the markets, so when the gate is full an account leaves its
/// snapshot for its next look: in a crash that liquidates 100,000 accounts each of them is due at once, and their writes
/// (and the cancellations of those that time out) took the database from the markets' journals, which every
/// acknowledgement waits for. A deactivation's snapshot does not ask.
/// </summary>
public sealed class SnapshotWriteGate(IOptions<AccountOptions> options)
{
    private readonly int _slots = options.Value.SnapshotWritesInFlight;
    private int _writing;

    /// <summary>Runs <paramref name="write"/> if a slot is free now; false (nothing run) when all are taken.</summary>
    public async Task<bool> TryWrite(Func<Task> write)
    {
        // Grains of the silo call this from many threads at once: a count, never a lock or a wait.
        if (Interlocked.Increment(ref _writing) > _slots)
        {
            Interlocked.Decrement(ref _writing);
            return false;
        }
        try
        {
            await write();
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _writing);
        }
    }
}
