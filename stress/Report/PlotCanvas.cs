using Exchange.Stress.Results;
using ScottPlot;
using SkiaSharp;

namespace Exchange.Stress.Report;

/// <summary>
/// What every plot of the report shares: size, font, the x axis in seconds since the run's start over the whole run (so
/// plots line up one under the other), the timeline's marks as numbered vertical lines, breaker intervals as shaded
/// spans, and a plain message in place of data when a series is empty. ScottPlot draws the axes; nothing here does.
/// </summary>
internal static class PlotCanvas
{
    public const int Width = 960;
    public const int Height = 480;
    public const string SecondsAxis = "seconds since the run's start";

    /// <summary>ScottPlot's default font here is a serif; a sans font reads better in a table of numbers, when installed.</summary>
    private static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" }
        .FirstOrDefault(name => SKFontManager.Default.FontFamilies.Contains(name));

    public static Plot New(string title, string yLabel, string xLabel = SecondsAxis)
    {
        var plot = new Plot();
        if (SansFont is not null) plot.Font.Set(SansFont);
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        // Room between the title and the data for the timeline's numbered labels.
        plot.Axes.Top.MinimumSize = 26;
        // ScottPlot's default labels round large numbers to integers: 3,199.5 to 3,201 would read "3,200" five times.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = value => value.ToString("#,0.######", System.Globalization.CultureInfo.InvariantCulture),
        };
        return plot;
    }

    /// <summary>A plot over time: the x axis spans the whole run (draw, then <see cref="RenderOverTime"/>).</summary>
    public static Plot OverTime(StressResult result, string title, string yLabel)
    {
        var plot = New(title, yLabel);
        plot.Axes.SetLimitsX(0, Seconds(RunMilliseconds(result)));
        return plot;
    }

    public static double Seconds(long milliseconds) => milliseconds / 1000.0;

    /// <summary>The run's length, or the last moment anything was observed if the run's clock says less.</summary>
    public static long RunMilliseconds(StressResult result)
    {
        var length = (long)(result.Run.EndedAt - result.Run.StartedAt).TotalMilliseconds;
        var series = result.Series;
        var last = new[]
        {
            series.Prices.Select(p => p.T), series.Liquidations.Select(p => p.T), series.InsuranceFunds.Select(p => p.T),
            series.OpenInterest.Select(p => p.T), series.BadDebt.Select(p => p.T), result.Timeline.Select(m => m.T),
            series.OrderLatency.Select(s => (s.Second + 1) * 1000), series.Cancels.Select(s => (s.Second + 1) * 1000),
            series.Breakers.Select(b => b.To ?? b.From),
        }.SelectMany(times => times).DefaultIfEmpty(0).Max();
        return Math.Max(1000, Math.Max(length, last));
    }

    /// <summary>
    /// The timeline's marks in time order, numbered from 1: the number labels the line (texts side by side would
    /// overlap), the legend and the timeline table say what it is.
    /// </summary>
    public static IReadOnlyList<(int Number, TimelineMark Mark)> Numbered(IReadOnlyList<TimelineMark> marks) =>
        marks.OrderBy(m => m.T).Select((mark, i) => (i + 1, mark)).ToList();

    private static void Marks(Plot plot, IReadOnlyList<TimelineMark> marks)
    {
        foreach (var (number, mark) in Numbered(marks))
        {
            // Solid: Skia's SVG backend cannot draw dash patterns (it draws them solid and complains on the console).
            var line = plot.Add.VerticalLine(Seconds(mark.T), 1.5f, MarkColor(mark.Kind).WithAlpha(0.8), LinePattern.Solid);
            line.Text = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            line.LabelOppositeAxis = true;
            line.LabelFontSize = 11;
            line.LegendText = $"{number}: {mark.Text}";
        }
    }

    private static Color MarkColor(string kind) => kind switch
    {
        "fault" => Colors.Crimson,
        "recovered" => Colors.ForestGreen,
        _ => Colors.DimGray,
    };

    /// <summary>Shades each interval a market was out of continuous trading; one legend entry per state.</summary>
    public static void Breakers(Plot plot, IEnumerable<BreakerInterval> intervals, long runMilliseconds)
    {
        var named = new HashSet<string>();
        foreach (var interval in intervals)
        {
            var span = plot.Add.HorizontalSpan(Seconds(interval.From), Seconds(interval.To ?? runMilliseconds),
                StateColor(interval.State).WithAlpha(0.18));
            span.LineWidth = 0;
            if (named.Add(interval.State)) span.LegendText = interval.State;
        }
    }

    private static Color StateColor(string state) => state switch
    {
        "paused" => Colors.Orange,
        "reopening" => Colors.Gold,
        "halted" => Colors.Red,
        "cancel-only" => Colors.MediumPurple,
        _ => Colors.SlateGray,
    };

    /// <summary>The message shown where a plot has nothing to draw ("no liquidations in this run").</summary>
    public static void Empty(Plot plot, string message)
    {
        var note = plot.Add.Annotation(message, Alignment.MiddleCenter);
        note.LabelFontSize = 16;
        note.LabelBackgroundColor = Colors.White;
        note.LabelBorderColor = Colors.LightGray;
    }

    /// <summary>
    /// Splits a series with gaps (an index nobody trusted for a while, a market without a band) into the runs where
    /// it has values, so a line is never drawn across a gap.
    /// </summary>
    public static List<(double[] Xs, double[] Ys)> Runs<T>(IEnumerable<T> points, Func<T, long> time, Func<T, decimal?> value)
    {
        var runs = new List<(double[], double[])>();
        var xs = new List<double>();
        var ys = new List<double>();
        void Close()
        {
            if (xs.Count > 0) runs.Add((xs.ToArray(), ys.ToArray()));
            xs.Clear();
            ys.Clear();
        }

        foreach (var point in points)
        {
            if (value(point) is { } y)
            {
                xs.Add(Seconds(time(point)));
                ys.Add((double)y);
            }
            else Close();
        }
        Close();
        return runs;
    }

    /// <summary>
    /// At most one point per pixel column of a growing count (the last in each column, so the staircase is exact at every
    /// column's end): 100,000 liquidations draw as about a thousand steps, not a 3 MB path no eye can tell apart.
    /// </summary>
    public static (List<double> Xs, List<double> Ys) LastPerPixel(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (xs.Count <= 2 * Width) return (xs.ToList(), ys.ToList());
        var column = (xs[^1] - xs[0]) / Width;
        var (thinXs, thinYs) = (new List<double> { xs[0] }, new List<double> { ys[0] });
        for (var i = 1; i < xs.Count; i++)
        {
            var last = i == xs.Count - 1 || Math.Floor((xs[i + 1] - xs[0]) / column) != Math.Floor((xs[i] - xs[0]) / column);
            if (!last) continue;
            thinXs.Add(xs[i]);
            thinYs.Add(ys[i]);
        }
        return (thinXs, thinYs);
    }

    /// <summary>Turns points into a staircase (a count holds until the next change), as ScottPlot connects points straight.</summary>
    public static (double[] Xs, double[] Ys) Steps(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double untilX)
    {
        var stepXs = new List<double>();
        var stepYs = new List<double>();
        for (var i = 0; i < xs.Count; i++)
        {
            if (i > 0)
            {
                stepXs.Add(xs[i]);
                stepYs.Add(ys[i - 1]);
            }
            stepXs.Add(xs[i]);
            stepYs.Add(ys[i]);
        }
        if (stepXs.Count > 0 && untilX > stepXs[^1])
        {
            stepXs.Add(untilX);
            stepYs.Add(stepYs[^1]);
        }
        return (stepXs.ToArray(), stepYs.ToArray());
    }

    /// <summary>Draws the timeline's marks over the data (and after it in the legend), then renders.</summary>
    public static ReportPlot RenderOverTime(StressResult result, Plot plot, string file, string title, string caption)
    {
        Marks(plot, result.Timeline);
        return Render(plot, file, title, caption);
    }

    /// <summary>Renders the plot as SVG and disposes of it (a plot holds native drawing resources).</summary>
    public static ReportPlot Render(Plot plot, string file, string title, string caption)
    {
        using (plot)
        {
            if (plot.GetPlottables().Any(p => p.LegendItems.Any(item => !string.IsNullOrEmpty(item.LabelText))))
                plot.ShowLegend(Edge.Bottom); // below the data, never over it
            return new ReportPlot(file, title, caption, plot.GetSvgXml(Width, Height));
        }
    }
}
