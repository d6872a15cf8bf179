using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Markets;

/// <summary>
/// A journal batch's order filter (a Bloom filter of the order ids it touched, sized to the batch) never misses an order
/// the batch holds, and seldom claims one it does not, whatever the batch's size: it lets the order lookup skip the
/// batches between an order's events.
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

        var orders = BatchOrders.Of(batch);
        foreach (var id in new long[] { 11, 12, 13, 14, 15 }) Assert.True(BatchOrders.MayHold(orders.Filter, id), $"order {id}");
        Assert.Equal(11, orders.LastAccepted);
        var none = BatchOrders.Of(Batch(new MarketEvent { Kind = EventKind.MarkPriceSet, Sequence = 1 }));
        Assert.Equal(new byte[BatchOrders.MinFilterBytes], none.Filter); // a batch of no orders passes no lookup
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]      // a batch of 16 takers, each with its fill
    [InlineData(5_000)]   // a group commit under heavy load
    public void An_order_a_batch_does_not_touch_rarely_passes_its_filter_whatever_its_size(int orders)
    {
        var random = new Random(20261207 + orders);
        var held = Enumerable.Range(0, orders).Select(_ => random.NextInt64(1, long.MaxValue)).ToArray();
        var filter = BatchOrders.FilterOf(held);
        Assert.All(held, id => Assert.True(BatchOrders.MayHold(filter, id)));
        Assert.True(filter.Length >= orders * BatchOrders.BitsPerOrder / 8, $"{filter.Length} bytes for {orders} orders");
        Assert.Equal(1, int.PopCount(filter.Length)); // a power of two: the server masks positions to it

        var heldSet = held.ToHashSet();
        const int Tries = 20_000;
        var passed = Enumerable.Range(0, Tries).Select(_ => random.NextInt64(1, long.MaxValue))
            .Count(asked => !heldSet.Contains(asked) && BatchOrders.MayHold(filter, asked));
        // Three bits an id at 16 bits an id: (1 - e^(-3/16))^3, about 0.5%, at most.
        Assert.True(passed < Tries / 100, $"{passed} of {Tries} lookups passed the filter of {orders} other orders");
    }

    [Fact]
    public void A_filter_numbers_its_bits_as_the_server_does()
    {
        // PostgreSQL's get_bit(bytea, n) reads bit n % 8 (from the least significant) of byte n / 8; the lookup masks each
        // of the id's three positions to the filter's size (the journal tests check the server's answers themselves).
        var (first, second, third) = BatchOrders.Positions(7);
        var filter = BatchOrders.FilterOf([7]);
        foreach (var position in new[] { first, second, third })
        {
            var bit = position & (filter.Length * 8 - 1);
            Assert.NotEqual(0, filter[bit / 8] & (1 << (int)(bit % 8)));
        }
        Assert.InRange(filter.Sum(b => int.PopCount(b)), 1, 3);
    }

    [Fact]
    public void The_old_64_bit_filter_still_finds_its_orders()
    {
        // Rows written before migration 0012 hold the 64-bit filter: one to three bits an id.
        var random = new Random(20261206);
        for (var i = 0; i < 1_000; i++) Assert.InRange(long.PopCount(BatchOrders.LegacyBits(random.NextInt64(1, long.MaxValue))), 1, 3);
    }

    private static JournalBatch Batch(params MarketEvent[] events) =>
        new(Guid.NewGuid(), 1, events.Length, [new JournalEntry(new SetModeCommand(MarketMode.Open), 0, events)]);
}
