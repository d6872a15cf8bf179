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

    /// <summary>
    /// A 64-bit Bloom filter of every order id this batch touched (accepted, traded as taker or maker, amended, cancelled):
    /// a batch whose filter lacks any of <see cref="OrderBits"/>(id) holds no event of that order.
    /// </summary>
    public long OrderBloom()
    {
        var bloom = 0L;
        foreach (var entry in Entries)
            foreach (ref readonly var e in entry.Events.AsSpan())
                switch (e.Kind)
                {
                    case EventKind.OrderAccepted or EventKind.OrderAmended or EventKind.OrderCancelled:
                        bloom |= OrderBits(e.OrderId);
                        break;
                    case EventKind.TradeExecuted:
                        bloom |= OrderBits(e.OrderId) | OrderBits(e.MakerOrderId);
                        break;
                }
        return bloom;
    }

    /// <summary>The three bits an order id sets in <see cref="OrderBloom"/> (from a 64-bit mix of the id, fixed forever: the
    /// filters are stored).</summary>
    public static long OrderBits(long orderId)
    {
        var x = unchecked((ulong)orderId + 0x9E3779B97F4A7C15UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return unchecked((long)((1UL << (int)(x & 63)) | (1UL << (int)((x >> 6) & 63)) | (1UL << (int)((x >> 12) & 63))));
    }
}
