using Exchange.Stress.Results;
using ScottPlot;

namespace Exchange.Stress.Report;

/// <summary>
/// One plot per market: the index the market follows, its mark, its last trade and the breaker's band, with the
/// intervals it was not trading continuously shaded and the auction's reopen price marked. The question it answers:
/// did the mark follow the index or the thin book, and when did the breaker step in?
/// </summary>
internal static class PricePlots
{
    public static IEnumerable<ReportPlot> Draw(StressResult result)
    {
        var symbols = result.Scenario.Markets
            .Concat(result.Series.Prices.Select(p => p.Symbol))
            .Concat(result.Series.Breakers.Select(b => b.Symbol))
            .Distinct(StringComparer.Ordinal);
        return symbols.Select(symbol => Draw(result, symbol));
    }

    private static ReportPlot Draw(StressResult result, string symbol)
    {
        var runMs = PlotCanvas.RunMilliseconds(result);
        var plot = PlotCanvas.OverTime(result, $"{symbol}: prices", $"price ({Format.MoneyUnit})");
        var breakers = result.Series.Breakers.Where(b => b.Symbol == symbol).ToList();
        PlotCanvas.Breakers(plot, breakers, runMs);

        var prices = result.Series.Prices.Where(p => p.Symbol == symbol).OrderBy(p => p.T).ToList();
        var drawn = Band(plot, prices);
        drawn |= Line(plot, prices, p => p.Index, "index", Colors.Black, 2);
        drawn |= Line(plot, prices, p => p.Mark, "mark", Colors.RoyalBlue, 1.5f);
        drawn |= Line(plot, prices, p => p.Last, "last trade", Colors.DarkOrange, 1);
        Reopens(plot, breakers);
        if (!drawn) PlotCanvas.Empty(plot, $"no prices observed for {symbol} in this run");

        var caption = $"Index (black), mark (blue) and last trade (orange) of {symbol}; the grey band is the range the breaker " +
            "allows. Shaded spans: the market was not trading continuously" +
            (breakers.Count == 0 ? " (none in this run)." : $" ({Format.Of(breakers.Count, "interval", "intervals")}; see the timeline).");
        return PlotCanvas.RenderOverTime(result, plot, $"prices-{FileSafe(symbol)}.svg", $"{symbol}: index, mark, last trade and band", caption);
    }

    private static bool Line(Plot plot, List<PricePoint> prices, Func<PricePoint, decimal?> value, string name, Color color, float width)
    {
        var runs = PlotCanvas.Runs(prices, p => p.T, value);
        for (var i = 0; i < runs.Count; i++)
        {
            var line = plot.Add.ScatterLine(runs[i].Xs, runs[i].Ys, color);
            line.LineWidth = width;
            if (runs[i].Xs.Length == 1) line.MarkerSize = 4; // a lone point between gaps, which a line cannot show
            if (i == 0) line.LegendText = name;
        }
        return runs.Count > 0;
    }

    /// <summary>The band as a filled area between its low and high, in runs where the market has one.</summary>
    private static bool Band(Plot plot, List<PricePoint> prices)
    {
        var runs = new List<List<PricePoint>> { new() };
        foreach (var point in prices)
        {
            if (point is { BandLow: not null, BandHigh: not null }) runs[^1].Add(point);
            else if (runs[^1].Count > 0) runs.Add([]);
        }
        var drawn = false;
        foreach (var run in runs.Where(r => r.Count > 0))
        {
            var fill = plot.Add.FillY(run.Select(p => PlotCanvas.Seconds(p.T)).ToArray(),
                run.Select(p => (double)p.BandHigh!.Value).ToArray(), run.Select(p => (double)p.BandLow!.Value).ToArray());
            fill.FillColor = Colors.Gray.WithAlpha(0.2);
            fill.LineColor = Colors.Gray.WithAlpha(0.5);
            if (!drawn) fill.LegendText = "breaker band";
            drawn = true;
        }
        return drawn;
    }

    private static void Reopens(Plot plot, List<BreakerInterval> breakers)
    {
        var reopened = breakers.Where(b => b is { To: not null, ReopenPrice: not null }).ToList();
        if (reopened.Count == 0) return;
        var points = plot.Add.ScatterPoints(
            reopened.Select(b => PlotCanvas.Seconds(b.To!.Value)).ToArray(), reopened.Select(b => (double)b.ReopenPrice!.Value).ToArray(),
            Colors.Crimson);
        points.MarkerShape = MarkerShape.FilledDiamond;
        points.MarkerSize = 9;
        points.LegendText = "auction reopen";
    }

    /// <summary>A symbol as part of a file name: letters, digits, '-' and '_' kept, anything else replaced.</summary>
    public static string FileSafe(string symbol) =>
        new(symbol.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
