using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>One command as the market ran it, with its timestamp and the events it caused.</summary>
public sealed record JournalEntry(MarketCommand Command, long Timestamp, MarketEvent[] Events);

/// <summary>
/// Entries appended in one atomic write. Their state-changing events carry exactly the sequences
/// <see cref="FirstSequence"/> to <see cref="LastSequence"/>; the batch id makes a retried append recognisable.
/// </summary>
public sealed record JournalBatch(Guid BatchId, long FirstSequence, long LastSequence, IReadOnlyList<JournalEntry> Entries)
{
    /// <summary>The highest order id this batch accepted (0: none). Order ids ascend with the sequence, so this finds
    /// the batch that accepted an order (<see cref="IMarketJournal.ReadFromOrder"/>).</summary>
    public long LastAcceptedOrderId()
    {
        var last = 0L;
        foreach (var entry in Entries)
            foreach (ref readonly var e in entry.Events.AsSpan())
                if (e.Kind == EventKind.OrderAccepted && e.OrderId > last) last = e.OrderId;
        return last;
    }
}
