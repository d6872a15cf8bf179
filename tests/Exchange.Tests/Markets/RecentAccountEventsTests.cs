using Exchange.Matching;
using Exchange.Markets;

namespace Exchange.Tests.Markets;

/// <summary>The catch-up cache against a plain list of every event: it answers exactly, or admits it cannot.</summary>
public sealed class RecentAccountEventsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1500)]
    [InlineData(5000)]
    public void Answers_like_the_full_history_or_not_at_all(int capacity)
    {
        var random = new Random(capacity);
        var cache = new RecentAccountEvents(capacity);
        cache.Reset(0);
        var history = new List<MarketEvent>();
        long sequence = 0;
        for (var round = 0; round < 400; round++)
        {
            var events = Enumerable.Range(0, random.Next(1, 12)).Select(_ => NextEvent(random, ref sequence)).ToArray();
            history.AddRange(events);
            cache.Add(events);

            var account = random.Next(1, 5);
            var after = random.NextInt64(0, sequence + 1);
            var expected = history.Where(e => e.Sequence > after && AccountHeads.Concerns(account, e)).ToArray();
            var held = cache.For(account, after);
            if (held is null) Assert.True(after < cache.CompleteAfter, "a miss only when events after the sequence were dropped");
            else Assert.Equal(expected, held);
        }
        // The most recent events are always held.
        Assert.NotNull(cache.For(1, sequence));
    }

    [Fact]
    public void Holds_only_what_it_has_room_for()
    {
        var cache = new RecentAccountEvents(3);
        cache.Reset(0);
        cache.Add([OwnEvent(1, 1), OwnEvent(2, 1), OwnEvent(3, 2), OwnEvent(4, 1)]);

        Assert.Equal(1, cache.CompleteAfter);
        Assert.Null(cache.For(1, 0));
        Assert.Equal([2L, 4L], cache.For(1, 1)!.Select(e => e.Sequence));
    }

    [Fact]
    public void A_cache_of_size_zero_never_claims_to_know()
    {
        var cache = new RecentAccountEvents(0);
        cache.Reset(10);
        Assert.Null(cache.For(1, 10));
    }

    private static MarketEvent NextEvent(Random random, ref long sequence)
    {
        var account = random.Next(1, 5);
        return random.Next(4) switch
        {
            0 => MarketEvent.Trade(++sequence, 0, 1, account, Side.Buy, 2, random.Next(1, 5), 100, 1, 0, 0),
            1 => MarketEvent.Rejected(sequence, 0, account, RejectReason.InvalidSize),
            2 => MarketEvent.ModeSwitched(++sequence, 0, MarketMode.Open, MarketMode.Halted),
            _ => OwnEvent(++sequence, account),
        };
    }

    private static MarketEvent OwnEvent(long sequence, long account) =>
        MarketEvent.Cancelled(sequence, 0, sequence, account, Side.Sell, 100, 1, CancelReason.Requested);
}
