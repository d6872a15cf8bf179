using Exchange.PriceFeeds;

namespace Exchange.Tests.FeedTool;

public sealed class PriceSourceTests
{
    private static readonly TimeSpan Half = TimeSpan.FromMilliseconds(500);

    private static long[] Walk(int seed, int steps)
    {
        var walk = new RandomWalk(seed, 65_000 * PriceUnits.Scale, PriceUnits.Scale / 2, 2, Half);
        return [.. Enumerable.Range(0, steps).Select(_ => walk.Next())];
    }

    [Fact]
    public void The_walk_is_reproducible_from_its_seed_and_differs_between_seeds()
    {
        Assert.Equal(Walk(42, 1_000), Walk(42, 1_000));
        Assert.NotEqual(Walk(42, 1_000), Walk(43, 1_000));
    }

    [Fact]
    public void The_walk_moves_in_whole_steps_within_its_bound()
    {
        var previous = 65_000 * PriceUnits.Scale;
        foreach (var price in Walk(5, 10_000))
        {
            Assert.Equal(0, (price - previous) % (PriceUnits.Scale / 2));
            Assert.InRange(Math.Abs(price - previous), 0, 2 * PriceUnits.Scale / 2);
            previous = price;
        }
    }

    [Fact]
    public void The_walk_never_reaches_zero()
    {
        var walk = new RandomWalk(1, 3, 1, 5, Half);
        for (var i = 0; i < 10_000; i++) Assert.True(walk.Next() >= 1);
    }

    [Fact]
    public void The_walk_steps_once_per_interval_of_elapsed_time()
    {
        var expected = Walk(9, 4);
        var walk = new RandomWalk(9, 65_000 * PriceUnits.Scale, PriceUnits.Scale / 2, 2, Half);
        Assert.Equal(65_000 * PriceUnits.Scale, walk.PriceAt(TimeSpan.FromMilliseconds(499)));
        Assert.Equal(expected[0], walk.PriceAt(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(expected[3], walk.PriceAt(TimeSpan.FromMilliseconds(2_100)));
        Assert.Equal(expected[3], walk.PriceAt(TimeSpan.FromMilliseconds(1_000))); // never backwards
    }

    [Fact]
    public void Feed_noise_is_whole_units_within_its_amplitude_and_differs_per_feed()
    {
        var first = new FeedNoise(FeedNoise.SeedFor(1, 0), 100);
        var second = new FeedNoise(FeedNoise.SeedFor(1, 1), 100);
        var a = Enumerable.Range(0, 200).Select(_ => first.Apply(1_000_000)).ToArray();
        var b = Enumerable.Range(0, 200).Select(_ => second.Apply(1_000_000)).ToArray();
        Assert.All(a.Concat(b), p => Assert.InRange(p, 999_900, 1_000_100));
        Assert.NotEqual(a, b);
        Assert.Equal(a, Replay(FeedNoise.SeedFor(1, 0)));

        static long[] Replay(int seed)
        {
            var noise = new FeedNoise(seed, 100);
            return [.. Enumerable.Range(0, 200).Select(_ => noise.Apply(1_000_000))];
        }
    }

    [Fact]
    public void Feed_noise_may_come_in_whole_granules()
    {
        var noise = new FeedNoise(3, amplitude: PriceUnits.Scale, granule: PriceUnits.Scale / 100);
        var prices = Enumerable.Range(0, 500).Select(_ => noise.Apply(65_000 * PriceUnits.Scale)).ToArray();
        Assert.All(prices, p => Assert.Equal(0, p % (PriceUnits.Scale / 100)));
        Assert.All(prices, p => Assert.InRange(p, 64_999 * PriceUnits.Scale, 65_001 * PriceUnits.Scale));
        Assert.True(prices.Distinct().Count() > 50);
    }

    [Fact]
    public void A_replay_runs_the_recording_at_its_speed_and_ends_with_it()
    {
        // Three minutes of data at 60x: one recorded minute per second of wall time.
        PricePoint[] points = [new(1_000_000, 10), new(1_060_000, 20), new(1_120_000, 30), new(1_180_000, 40)];
        var replay = new CsvReplay(points, speedPermille: 60_000);
        Assert.Equal(TimeSpan.FromSeconds(3), replay.Duration);
        Assert.Equal(10, replay.PriceAt(TimeSpan.Zero));
        Assert.Equal(10, replay.PriceAt(TimeSpan.FromMilliseconds(999)));
        Assert.Equal(20, replay.PriceAt(TimeSpan.FromSeconds(1)));
        Assert.Equal(30, replay.PriceAt(TimeSpan.FromMilliseconds(2_500)));
        Assert.Equal(40, replay.PriceAt(TimeSpan.FromSeconds(3)));
        Assert.Null(replay.PriceAt(TimeSpan.FromMilliseconds(3_001)));
    }

    [Fact]
    public void A_replay_can_start_later_in_the_recording()
    {
        PricePoint[] points = [new(1_000_000, 10), new(1_060_000, 20), new(1_120_000, 30)];
        var replay = new CsvReplay(points, speedPermille: 1_000, fromMs: 1_050_000);
        Assert.Equal(20, replay.PriceAt(TimeSpan.Zero));
        Assert.Equal(30, replay.PriceAt(TimeSpan.FromMinutes(1)));
    }
}
