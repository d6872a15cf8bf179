using Exchange.PriceFeeds;

namespace Exchange.Stress.Scenarios;

/// <summary>One point of a path: milliseconds from the path's start and the price in <see cref="PriceUnits"/> (1e-8).</summary>
public readonly record struct PathPoint(long OffsetMs, long Price);

/// <summary>
/// An index's price over the run, one point every step from 0 to its end (after which it holds its last price).
/// Built from a scenario's segments or from a CSV of recorded prices, replayed faster by the scenario's speed and
/// interpolated in a straight line between recorded rows. Prices are exact: decimal work, rounded once per point to
/// 4 decimals (generated) or kept as recorded (at the rows of a CSV).
/// </summary>
public sealed class PricePath
{
    private const int GeneratedDecimals = 4;

    private PricePath(string index, long stepMs, IReadOnlyList<PathPoint> points)
    {
        Index = index;
        StepMs = stepMs;
        Points = points;
    }

    public string Index { get; }

    public long StepMs { get; }

    public IReadOnlyList<PathPoint> Points { get; }

    public long EndMs => Points[^1].OffsetMs;

    /// <summary>The price at <paramref name="offsetMs"/>: the last point at or before it (the first before the start).</summary>
    public long PriceAt(long offsetMs)
    {
        if (offsetMs <= 0) return Points[0].Price;
        var step = offsetMs / StepMs;
        return step >= Points.Count ? Points[^1].Price : Points[(int)step].Price;
    }

    /// <summary>The path a scenario describes; a CSV path is read relative to <paramref name="baseDirectory"/>.</summary>
    public static PricePath From(PathScenario path, string baseDirectory) =>
        path.Csv is { } csv ? FromCsv(path, Path.GetFullPath(Path.Combine(baseDirectory, csv))) : Generate(path);

    public static PricePath Generate(PathScenario path)
    {
        var knots = new List<(long Ms, decimal Price)> { (0, path.Start!.Value) };
        foreach (var segment in path.Segments!)
        {
            var (at, price) = knots[^1];
            var ms = (long)Math.Round(segment.Seconds * 1000);
            var moved = price * (1 + segment.Percent / 100);
            switch (segment.Kind)
            {
                case SegmentKind.Hold:
                    knots.Add((at + ms, price));
                    break;
                case SegmentKind.Move:
                    knots.Add((at + ms, moved));
                    break;
                case SegmentKind.Gap:
                    // A jump: the step before it still shows the old price, the point at it the new one.
                    knots.Add((at, moved));
                    break;
                case SegmentKind.V:
                    knots.Add((at + ms / 2, moved));
                    knots.Add((at + ms, price));
                    break;
                default:
                    throw new ScenarioException("segments.kind", $"unknown segment '{segment.Kind}'");
            }
        }
        return Sample(path.Index, path.StepMs, knots, GeneratedDecimals);
    }

    public static PricePath FromCsv(PathScenario path, string file)
    {
        IReadOnlyList<PricePoint> rows;
        try
        {
            rows = CsvPriceReader.ReadFile(file, path.TimeColumn is { } t ? CsvColumn.Parse(t) : null,
                path.PriceColumn is { } p ? CsvColumn.Parse(p) : null);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException("paths.csv", $"{file}: {e.Message}");
        }
        var first = rows[0].TimestampMs;
        var knots = rows.Select(r => ((long)Math.Round((r.TimestampMs - first) / path.Speed), (decimal)r.Price / PriceUnits.Scale)).ToList();
        return Sample(path.Index, path.StepMs, knots, PriceUnits.Decimals);
    }

    /// <summary>One point per step, in a straight line between the knots (a knot at the same time as the one before is a jump).</summary>
    private static PricePath Sample(string index, long stepMs, List<(long Ms, decimal Price)> knots, int decimals)
    {
        var end = knots[^1].Ms;
        var points = new List<PathPoint>((int)(end / stepMs) + 2);
        var k = 0;
        for (long t = 0; ; t += stepMs)
        {
            var at = Math.Min(t, end);
            while (k + 1 < knots.Count && knots[k + 1].Ms <= at) k++;
            decimal price;
            if (k + 1 >= knots.Count)
            {
                price = knots[k].Price;
            }
            else
            {
                var (fromMs, from) = knots[k];
                var (toMs, to) = knots[k + 1];
                price = from + (to - from) * (at - fromMs) / (toMs - fromMs);
            }
            var units = (long)Math.Round(Math.Round(price, decimals, MidpointRounding.ToEven) * PriceUnits.Scale);
            if (units <= 0) throw new ScenarioException("paths", $"{index}: the path reaches a price of zero or below at {at} ms");
            points.Add(new PathPoint(at, units));
            if (at == end) break;
        }
        return new PricePath(index, stepMs, points);
    }
}
