using System.Numerics;
using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>
/// What a journal batch did to orders, stored beside it (migrations 0010 and 0012) so that one old order's history is
/// read without decoding the journal around it (<see cref="IMarketJournal.ReadFromOrder"/>).
/// </summary>
/// <param name="LastAccepted">The highest order id the batch accepted (0: none). Order ids ascend with the sequence, so
/// this finds the batch that accepted an order.</param>
/// <param name="Filter">A Bloom filter of every order id the batch touched (accepted, traded as taker or maker, amended,
/// cancelled), sized to the batch: a power of two of about <see cref="BitsPerOrder"/> bits an id (64 bits at least,
/// 2^21 at most), three bits an id, so an order the batch does not touch passes it about 0.5% of the time whatever the
/// batch's size. The 64-bit filter it replaces (<see cref="LegacyBits"/>, still read in older rows) was full at a few dozen
/// ids: in the 100,000-account crash, batches of 16 takers each passed most lookups, and describing a maker order read
/// hundreds of batches.</param>
public readonly record struct BatchOrders(long LastAccepted, byte[] Filter)
{
    public const int BitsPerOrder = 16;
    public const int MinFilterBytes = 8;
    public const int MaxFilterBytes = 1 << 18; // 2^21 bits: each of the three positions takes 21 bits of the mix

    private const int PositionBits = 21;

    /// <summary>Both, in one pass over the batch's events (this runs on every append).</summary>
    public static BatchOrders Of(JournalBatch batch)
    {
        long last = 0;
        var ids = new List<long>();
        foreach (var entry in batch.Entries)
            foreach (ref readonly var e in entry.Events.AsSpan())
                switch (e.Kind)
                {
                    case EventKind.OrderAccepted:
                        ids.Add(e.OrderId);
                        last = Math.Max(last, e.OrderId);
                        break;
                    case EventKind.OrderAmended or EventKind.OrderCancelled:
                        ids.Add(e.OrderId);
                        break;
                    case EventKind.TradeExecuted:
                        ids.Add(e.OrderId);
                        ids.Add(e.MakerOrderId);
                        break;
                }
        return new BatchOrders(last, FilterOf(ids));
    }

    /// <summary>The filter of these ids (an id named twice costs its share of the size twice, nothing else).</summary>
    public static byte[] FilterOf(IReadOnlyCollection<long> ids)
    {
        var wanted = Math.Max(MinFilterBytes, (int)Math.Min(MaxFilterBytes, (long)ids.Count * BitsPerOrder / 8));
        var filter = new byte[BitOperations.RoundUpToPowerOf2((uint)wanted)]; // both bounds are powers of two
        var mask = (ulong)filter.Length * 8 - 1;
        foreach (var id in ids)
        {
            var mix = Mix(id);
            for (var i = 0; i < 3; i++)
            {
                var bit = (mix >> (PositionBits * i)) & mask;
                filter[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }
        return filter;
    }

    /// <summary>
    /// Whether the filter may hold the order (false: the batch holds no event of it). The server asks the same of each
    /// row: bit n is bit n % 8 of byte n / 8, as PostgreSQL's get_bit numbers them.
    /// </summary>
    public static bool MayHold(byte[] filter, long orderId)
    {
        var mask = (ulong)filter.Length * 8 - 1;
        var mix = Mix(orderId);
        for (var i = 0; i < 3; i++)
        {
            var bit = (mix >> (PositionBits * i)) & mask;
            if ((filter[bit >> 3] & (1 << (int)(bit & 7))) == 0) return false;
        }
        return true;
    }

    /// <summary>The three sources of an order's positions in a filter: the mix, shifted by 0, 21 and 42 bits (each is
    /// then masked to the filter's size). Given to the server as numbers, so it needs no hash of its own.</summary>
    public static (long First, long Second, long Third) Positions(long orderId)
    {
        var mix = Mix(orderId);
        return (unchecked((long)mix), (long)(mix >> PositionBits), (long)(mix >> (2 * PositionBits)));
    }

    /// <summary>The three bits an order id set in the 64-bit filter of rows written before migration 0012 (read, never written).</summary>
    public static long LegacyBits(long orderId)
    {
        var x = Mix(orderId);
        return unchecked((long)((1UL << (int)(x & 63)) | (1UL << (int)((x >> 6) & 63)) | (1UL << (int)((x >> 12) & 63))));
    }

    /// <summary>A 64-bit mix of the id (SplitMix64's finaliser), fixed forever: the filters are stored.</summary>
    private static ulong Mix(long orderId)
    {
        var x = unchecked((ulong)orderId + 0x9E3779B97F4A7C15UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return x ^ (x >> 31);
    }
}
