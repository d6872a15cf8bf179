using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Markets;

/// <summary>
/// A journal batch's order filter (a 64-bit Bloom filter of the order ids it touched) never misses an order the batch
/// holds, and seldom claims one it does not: it lets the order lookup skip the batches between an order's events.
/// </summary>
public sealed class JournalOrderFilterTests
{
    [Fact]
    public void Every_order_a_batch_touches_is_in_its_filter()
    {
        var batch = Batch(
            MarketEvent.Accepted(1, 0, 11, new PlaceOrder(1, Side.Buy, OrderType.Limit, 100, 5, TimeInForce.GoodTillCancel), 100),
            new MarketEvent { Kind = EventKind.TradeExecuted, Sequence = 2, OrderId = 12, MakerOrderId = 13 },
            new MarketEvent { Kind = EventKind.OrderCancelled, Sequence = 3, OrderId = 14 },
            new MarketEvent { Kind = EventKind.OrderAmended, Sequence = 4, OrderId = 15 });

        var bloom = BatchOrders.Of(batch).Bloom;
        foreach (var id in new long[] { 11, 12, 13, 14, 15 })
            Assert.Equal(BatchOrders.OrderBits(id), bloom & BatchOrders.OrderBits(id));
        Assert.Equal(11, BatchOrders.Of(batch).LastAccepted);
        Assert.Equal(0, BatchOrders.Of(Batch(new MarketEvent { Kind = EventKind.MarkPriceSet, Sequence = 1 })).Bloom);
    }

    [Fact]
    public void An_order_a_small_batch_does_not_touch_rarely_passes_its_filter()
    {
        // Each id sets one to three bits; a batch of one order's events passes other ids' lookups about (3/64)^3 of the time.
        var random = new Random(20261207);
        var passed = 0;
        const int Tries = 20_000;
        for (var i = 0; i < Tries; i++)
        {
            var held = random.NextInt64(1, long.MaxValue);
            var asked = random.NextInt64(1, long.MaxValue);
            var bits = BatchOrders.OrderBits(asked);
            Assert.InRange(long.PopCount(bits), 1, 3);
            if (held != asked && (BatchOrders.OrderBits(held) & bits) == bits) passed++;
        }
        Assert.True(passed < Tries / 100, $"{passed} of {Tries} lookups passed a filter of another order");
    }

    private static JournalBatch Batch(params MarketEvent[] events) =>
        new(Guid.NewGuid(), 1, events.Length, [new JournalEntry(new SetModeCommand(MarketMode.Open), 0, events)]);
}
