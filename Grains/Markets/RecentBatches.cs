using Exchange.Journal;

namespace Exchange.Markets;

/// <summary>
/// The latest committed journal batches, kept in memory so that an account catching up after a lost message is
/// answered without reading the database. Bounded by the number of events it holds.
/// </summary>
internal sealed class RecentBatches(long maxEvents)
{
    private readonly Queue<JournalBatch> _batches = new();
    private long _events;

    public void Add(JournalBatch batch)
    {
        _batches.Enqueue(batch);
        _events += batch.LastSequence - batch.FirstSequence + 1;
        while (_events > maxEvents && _batches.Count > 1)
        {
            var old = _batches.Dequeue();
            _events -= old.LastSequence - old.FirstSequence + 1;
        }
    }

    /// <summary>The batches after a sequence, or null when some of them are no longer held.</summary>
    public IEnumerable<JournalBatch>? After(long sequence) =>
        _batches.Count > 0 && sequence >= _batches.Peek().FirstSequence - 1
            ? _batches.Where(b => b.LastSequence > sequence)
            : null;
}
