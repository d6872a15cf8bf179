using Exchange.Stress.Results;
using ScottPlot;

namespace Exchange.Stress.Report;

/// <summary>
/// Liquidations: how many steps of each outcome had happened by each moment (book, insurance fund, ADL, bad debt), and
/// how long after its mark crossed maintenance each account was handled (the share handled within a given time).
/// </summary>
internal static class LiquidationPlots
{
    /// <summary>The outcomes the exchange reports, in the order a liquidation tries them, with their colours.</summary>
    public static readonly IReadOnlyList<(string Outcome, string Name, Color Color)> Outcomes =
    [
        ("book", "through the book", Colors.SteelBlue),
        ("fund", "taken over by the insurance fund", Colors.DarkOrange),
        ("adl", "auto-deleveraged (ADL)", Colors.MediumPurple),
        ("bad-debt", "bad debt", Colors.Crimson),
    ];

    public static IEnumerable<ReportPlot> Draw(StressResult result)
    {
        yield return OverTime(result);
        yield return HandledAfter(result);
    }

    private static ReportPlot OverTime(StressResult result)
    {
        var runSeconds = PlotCanvas.Seconds(PlotCanvas.RunMilliseconds(result));
        var plot = PlotCanvas.OverTime(result, "Liquidation steps so far, by outcome", "steps (cumulative)");
        var steps = result.Series.Liquidations.OrderBy(l => l.T).ToList();
        var known = Outcomes.Select(o => o.Outcome).ToHashSet();
        var series = Outcomes.Select(o => (o.Outcome, o.Name, o.Color))
            .Concat(steps.Select(l => l.Outcome).Where(o => !known.Contains(o)).Distinct().Select(o => (o, o, Colors.Gray)));
        foreach (var (outcome, name, color) in series)
        {
            var ofOutcome = steps.Where(l => l.Outcome == outcome).ToList();
            if (ofOutcome.Count == 0) continue;
            var (counted, counts) = PlotCanvas.LastPerPixel(
                ofOutcome.Select(l => PlotCanvas.Seconds(l.T)).ToList(), ofOutcome.Select((_, i) => (double)(i + 1)).ToList());
            var (xs, ys) = PlotCanvas.Steps(counted, counts, runSeconds);
            var line = plot.Add.ScatterLine(xs, ys, color);
            line.LineWidth = 2;
            line.LegendText = $"{name} ({Format.Count(ofOutcome.Count)})";
        }
        if (steps.Count == 0) PlotCanvas.Empty(plot, "no liquidations in this run");
        return PlotCanvas.RenderOverTime(result, plot, "liquidations.svg", "Liquidations over time, by outcome",
            "Each line counts the liquidation steps of one outcome the exchange reported up to that moment: a steep line is a " +
            "burst. Book is the normal path; fund, ADL and bad debt are the fallbacks when the book could not absorb a position.");
    }

    private static ReportPlot HandledAfter(StressResult result)
    {
        var plot = PlotCanvas.New("Time from the mark crossing to the account being handled", "share of steps handled (%)",
            "milliseconds after the mark put the account under maintenance");
        var times = result.Series.Liquidations.Where(l => l.HandledAfterMs is not null).Select(l => (double)l.HandledAfterMs!.Value)
            .Order().ToArray();
        if (times.Length > 0)
        {
            var (within, shares) = PlotCanvas.LastPerPixel(times, times.Select((_, i) => 100.0 * (i + 1) / times.Length).ToList());
            var (xs, ys) = PlotCanvas.Steps(within, shares, times[^1]);
            var line = plot.Add.ScatterLine(xs, ys, Colors.SteelBlue);
            line.LineWidth = 2;
            line.LegendText = $"{Format.Of(times.Length, "step", "steps")} timed";
            plot.Axes.SetLimitsY(0, 102);
        }
        else
        {
            PlotCanvas.Empty(plot, result.Series.Liquidations.Count == 0
                ? "no liquidations in this run"
                : "the run could not time any liquidation from its mark");
        }
        return PlotCanvas.Render(plot, "liquidation-handled.svg", "How fast under-margined accounts were handled",
            "For each time on the x axis, the share of liquidation steps that came within that time of the mark that put the " +
            "account under maintenance. A line that reaches 100% early means every account was found and handled quickly.");
    }
}
