using Exchange.Oracles;
using Exchange.Pricing;

namespace Exchange.Tests.Oracles;

/// <summary>What the markets following an oracle would be sent, tick by tick (heartbeat 1 s, staleness 5 s).</summary>
public sealed class IndexTickerTests
{
    private const long Activated = 1_000_000;
    private const long Stale = 5_000;

    private static IndexUpdate U(long price, IndexStatus status, long at) => new("BTC-USD", price, status, at, -1);

    [Fact]
    public void A_stale_index_is_not_sent_in_the_first_staleness_period_after_activation()
    {
        var ticker = new IndexTicker(Activated, 1_000);
        Assert.Null(ticker.Next(U(0, IndexStatus.Stale, Activated + 250), Stale, Activated + 250));
        Assert.Null(ticker.Next(U(0, IndexStatus.Stale, Activated + 4_999), Stale, Activated + 4_999));
        var late = U(0, IndexStatus.Stale, Activated + 5_000);
        Assert.Same(late, ticker.Next(late, Stale, Activated + 5_000));
    }

    [Fact]
    public void A_fresh_index_is_sent_at_once_even_just_after_activation()
    {
        var ticker = new IndexTicker(Activated, 1_000);
        var fresh = U(100, IndexStatus.Fresh, Activated + 250);
        Assert.Same(fresh, ticker.Next(fresh, Stale, Activated + 250));
    }

    [Fact]
    public void The_same_reading_is_sent_again_only_after_a_heartbeat_and_a_change_at_once()
    {
        var ticker = new IndexTicker(Activated, 1_000);
        var t = Activated + 10_000;
        Assert.NotNull(ticker.Next(U(100, IndexStatus.Fresh, t), Stale, t));
        Assert.Null(ticker.Next(U(100, IndexStatus.Fresh, t + 250), Stale, t + 250));
        Assert.Null(ticker.Next(U(100, IndexStatus.Fresh, t + 999), Stale, t + 999));
        Assert.NotNull(ticker.Next(U(100, IndexStatus.Fresh, t + 1_000), Stale, t + 1_000));
        Assert.NotNull(ticker.Next(U(101, IndexStatus.Fresh, t + 1_250), Stale, t + 1_250));
        Assert.NotNull(ticker.Next(U(101, IndexStatus.Degraded, t + 1_500), Stale, t + 1_500));
        Assert.NotNull(ticker.Next(U(101, IndexStatus.Stale, t + 1_750), Stale, t + 1_750));
    }

    [Fact]
    public void A_reading_a_follower_did_not_take_is_sent_again_at_the_next_tick()
    {
        var ticker = new IndexTicker(Activated, 1_000);
        var t = Activated + 10_000;
        var first = ticker.Next(U(100, IndexStatus.Fresh, t), Stale, t)!;
        ticker.NotDelivered(first);
        Assert.NotNull(ticker.Next(U(100, IndexStatus.Fresh, t + 250), Stale, t + 250));
        ticker.NotDelivered(first); // an older failure does not undo a later delivery
        Assert.Null(ticker.Next(U(100, IndexStatus.Fresh, t + 500), Stale, t + 500));
    }
}
