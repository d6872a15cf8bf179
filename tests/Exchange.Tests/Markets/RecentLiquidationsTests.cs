using Exchange.Matching;
using Exchange.Markets;

namespace Exchange.Tests.Markets;

/// <summary>The liquidation steps a market keeps, against a plain list of every step: the newest, and those after a cursor.</summary>
public sealed class RecentLiquidationsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(5000)]
    public void Answers_like_the_full_list_or_says_it_missed_some(int capacity)
    {
        var random = new Random(capacity);
        var kept = new RecentLiquidations(capacity, completeAfter: 0);
        var all = new List<long>();
        long sequence = 0;
        for (var round = 0; round < 600; round++)
        {
            // A command with a takeover, or a fee, or nothing of a liquidation (a plain cancel).
            var events = Enumerable.Range(0, random.Next(1, 6)).Select(_ => ++sequence).Select(s => random.Next(3) switch
            {
                0 => MarketEvent.Transferred(EventKind.PositionTakenOver, s, s * 10, 1, 2, Side.Sell, 100, 1),
                1 => MarketEvent.Transferred(EventKind.PositionDeleveraged, s, s * 10, 1, 3, Side.Sell, 100, 1),
                _ => MarketEvent.Cancelled(s, s * 10, s, 4, Side.Buy, 100, 1, CancelReason.Requested),
            }).ToArray();
            all.AddRange(events.Where(e => e.Kind != EventKind.OrderCancelled).Select(e => e.Sequence));
            kept.Add(events, 100);

            Assert.Equal(all.AsEnumerable().Reverse().Take(Math.Min(capacity, 3)), kept.Latest(3).Select(r => r.Sequence));
            var after = random.NextInt64(0, sequence + 1);
            var limit = random.Next(1, 20);
            var page = kept.After(after, limit);
            // Complete exactly when no step after the cursor was dropped for room; either way, what is held after it, in order.
            Assert.Equal(!all.SkipLast(capacity).Any(s => s > after), page.Complete);
            Assert.Equal(all.TakeLast(capacity).Where(s => s > after).Take(limit), page.Steps.Select(r => r.Sequence));
        }
    }

    [Fact]
    public void Knows_what_it_dropped()
    {
        var kept = new RecentLiquidations(2, completeAfter: 0);
        kept.Add([Takeover(3), Takeover(5), Takeover(8)], 100);
        Assert.False(kept.After(2, 10).Complete);
        var page = kept.After(3, 10);
        Assert.True(page.Complete);
        Assert.Equal([5L, 8L], page.Steps.Select(r => r.Sequence));
        Assert.Empty(kept.After(8, 10).Steps);
        Assert.Equal([8L, 5L], kept.Latest(1_000).Select(r => r.Sequence));
    }

    private static MarketEvent Takeover(long sequence) =>
        MarketEvent.Transferred(EventKind.PositionTakenOver, sequence, 0, 1, 2, Side.Sell, 100, 1);
}
