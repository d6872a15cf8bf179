namespace Exchange.PriceFeeds;

/// <summary>The honest price of the index as time passes, before any feed's noise or fault.</summary>
public interface IPriceSource
{
    /// <summary>The price <paramref name="elapsed"/> after the start, or null once the source has run out.</summary>
    long? PriceAt(TimeSpan elapsed);
}

/// <summary>
/// Replays recorded prices faster than they happened: at <paramref name="speedPermille"/> / 1000 times real speed
/// (60000: one minute of data a second), starting at the first row at or after <paramref name="fromMs"/> (all rows
/// when null). The price in force at a moment is the last row at or before it, so every published price is one the
/// recording holds; the caller stamps it with its own clock, which re-bases the recording to now. Runs out after the
/// last row.
/// </summary>
public sealed class CsvReplay : IPriceSource
{
    private readonly PricePoint[] _points;
    private readonly long _speedPermille;

    public CsvReplay(IReadOnlyList<PricePoint> points, long speedPermille, long? fromMs = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(speedPermille, 1);
        _points = points.Where(p => fromMs is null || p.TimestampMs >= fromMs).ToArray();
        if (_points.Length == 0) throw new ArgumentException("no recorded price at or after the start", nameof(fromMs));
        _speedPermille = speedPermille;
    }

    /// <summary>The recording's time span from its first used row to its last.</summary>
    public TimeSpan RecordedSpan => TimeSpan.FromMilliseconds(_points[^1].TimestampMs - _points[0].TimestampMs);

    /// <summary>The wall time the replay lasts at its speed.</summary>
    public TimeSpan Duration => TimeSpan.FromMilliseconds((_points[^1].TimestampMs - _points[0].TimestampMs) * 1000 / _speedPermille);

    public long? PriceAt(TimeSpan elapsed)
    {
        var recorded = _points[0].TimestampMs + checked(elapsed.Ticks / TimeSpan.TicksPerMillisecond * _speedPermille / 1000);
        if (recorded > _points[^1].TimestampMs) return null;
        // The last row at or before the recorded moment.
        int low = 0, high = _points.Length - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_points[middle].TimestampMs <= recorded) low = middle;
            else high = middle - 1;
        }
        return _points[low].Price;
    }
}

/// <summary>
/// A seeded random walk in whole steps: every <see cref="Interval"/> the price moves by a whole number of
/// <see cref="Step"/> units, drawn uniformly from -MaxSteps..MaxSteps. Only the draw uses <see cref="Random"/>; the
/// price is integer arithmetic, so the same seed gives the same prices on every machine. It never goes below one step.
/// </summary>
public sealed class RandomWalk(int seed, long start, long step, int maxSteps, TimeSpan interval) : IPriceSource
{
    private readonly Random _random = new(seed);
    private long _steps;

    public long Price { get; private set; } = start > 0 && step > 0 && maxSteps >= 0
        ? start : throw new ArgumentOutOfRangeException(nameof(start), "the start and the step must be positive");

    public TimeSpan Interval { get; } = interval > TimeSpan.Zero ? interval : throw new ArgumentOutOfRangeException(nameof(interval));

    /// <summary>Moves the walk one step and returns the new price.</summary>
    public long Next()
    {
        _steps++;
        var moved = checked(Price + _random.Next(-maxSteps, maxSteps + 1) * step);
        Price = moved >= step ? moved : checked(Price + (Price - moved)); // reflect off the floor
        return Price;
    }

    /// <summary>The walk after as many steps as intervals have passed; asking again for an earlier time returns the current price.</summary>
    public long? PriceAt(TimeSpan elapsed)
    {
        var due = elapsed.Ticks / Interval.Ticks;
        while (_steps < due) Next();
        return Price;
    }
}

/// <summary>
/// A feed's own small error around the honest price: a whole number of <see cref="Granule"/>s (1 unit unless given)
/// drawn uniformly within -Amplitude..Amplitude, from a generator seeded per feed, so feeds differ from each other but
/// each is reproducible.
/// </summary>
public sealed class FeedNoise(int seed, long amplitude, long granule = 1)
{
    private readonly Random _random = new(seed);

    public long Amplitude { get; } = amplitude >= 0 ? amplitude : throw new ArgumentOutOfRangeException(nameof(amplitude));

    public long Granule { get; } = granule > 0 ? granule : throw new ArgumentOutOfRangeException(nameof(granule));

    /// <summary>The seed of the n-th feed's noise (from 0) under a run's seed: distinct per feed, stable per run.</summary>
    public static int SeedFor(int runSeed, int feed) => unchecked(runSeed * 7919 + 104_729 * (feed + 1));

    public long Apply(long price)
    {
        var steps = Amplitude / Granule;
        if (steps == 0) return price;
        var noisy = checked(price + _random.NextInt64(-steps, steps + 1) * Granule);
        return noisy > 0 ? noisy : price;
    }
}
