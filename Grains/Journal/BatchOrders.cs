using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>
/// What a journal batch did to orders, stored beside it (migration 0010) so that one old order's history is read without
/// decoding the journal around it (<see cref="IMarketJournal.ReadFromOrder"/>).
/// </summary>
/// <param name="LastAccepted">The highest order id the batch accepted (0: none). Order ids ascend with the sequence, so
/// this finds the batch that accepted an order.</param>
/// <param name="Bloom">A 64-bit Bloom filter of every order id the batch touched (accepted, traded as taker or maker,
/// amended, cancelled): a batch whose filter lacks any of <see cref="OrderBits"/>(id) holds no event of that order.</param>
public readonly record struct BatchOrders(long LastAccepted, long Bloom)
{
    /// <summary>Both, in one pass over the batch's events (this runs on every append).</summary>
    public static BatchOrders Of(JournalBatch batch)
    {
        long last = 0, bloom = 0;
        foreach (var entry in batch.Entries)
            foreach (ref readonly var e in entry.Events.AsSpan())
                switch (e.Kind)
                {
                    case EventKind.OrderAccepted:
                        bloom |= OrderBits(e.OrderId);
                        last = Math.Max(last, e.OrderId);
                        break;
                    case EventKind.OrderAmended or EventKind.OrderCancelled:
                        bloom |= OrderBits(e.OrderId);
                        break;
                    case EventKind.TradeExecuted:
                        bloom |= OrderBits(e.OrderId) | OrderBits(e.MakerOrderId);
                        break;
                }
        return new BatchOrders(last, bloom);
    }

    /// <summary>The three bits an order id sets in <see cref="Bloom"/> (from a 64-bit mix of the id, fixed forever: the
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
