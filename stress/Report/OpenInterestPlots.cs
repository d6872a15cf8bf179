using Exchange.Stress.Results;
using ScottPlot;

namespace Exchange.Stress.Report;

/// <summary>Open interest per market: how much exposure the shock removed (liquidations and makers leaving close positions).</summary>
internal static class OpenInterestPlots
{
    public static ReportPlot Draw(StressResult result)
    {
        var plot = PlotCanvas.OverTime(result, "Open interest, per market", "open interest (size units)");
        var markets = result.Series.OpenInterest.GroupBy(p => p.Symbol, StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < markets.Count; i++)
        {
            var points = markets[i].OrderBy(p => p.T).ToList();
            var line = plot.Add.ScatterLine(points.Select(p => PlotCanvas.Seconds(p.T)).ToArray(),
                points.Select(p => (double)p.Size).ToArray(), palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = markets[i].Key;
        }
        if (markets.Count == 0) PlotCanvas.Empty(plot, "no open interest was observed in this run");
        return PlotCanvas.RenderOverTime(result, plot, "open-interest.svg", "Open interest",
            "The sum of long positions in each market, in the market's size units. It drops when liquidations close " +
            "positions; a market the shock should not reach keeps a flat line.");
    }
}
