using Exchange.Stress.Results;
using ScottPlot;

namespace Exchange.Stress.Report;

/// <summary>
/// Money the venue's backstops absorbed: each market's insurance fund balance (with the balance at which its loss would
/// reach its cap) and the audit's bad-debt line, the loss nobody covered.
/// </summary>
internal static class FundPlots
{
    public static IEnumerable<ReportPlot> Draw(StressResult result)
    {
        yield return InsuranceFunds(result);
        yield return BadDebt(result);
    }

    private static ReportPlot InsuranceFunds(StressResult result)
    {
        var plot = PlotCanvas.OverTime(result, "Insurance fund balance, per market", $"balance ({Format.MoneyUnit})");
        var markets = result.Series.InsuranceFunds.GroupBy(f => f.Symbol, StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < markets.Count; i++)
        {
            var points = markets[i].OrderBy(f => f.T).ToList();
            var color = palette.GetColor(i);
            var balance = plot.Add.ScatterLine(points.Select(f => PlotCanvas.Seconds(f.T)).ToArray(),
                points.Select(f => (double)f.Balance).ToArray(), color);
            balance.LineWidth = 2;
            balance.LegendText = markets[i].Key;
            // The cap bounds the fund's loss in the market; drawn as the balance at which that loss is reached.
            var start = points[0].Balance;
            foreach (var (xs, ys) in PlotCanvas.Runs(points, f => f.T, f => f.Cap is { } cap ? start - cap : null))
            {
                var floor = plot.Add.ScatterLine(xs, ys, color);
                floor.LineWidth = 1;
                floor.LineColor = color.WithAlpha(0.55);
                floor.LegendText = $"{markets[i].Key}: loss cap reached";
            }
        }
        if (markets.Count == 0) PlotCanvas.Empty(plot, "no insurance fund was observed in this run");
        return PlotCanvas.RenderOverTime(result, plot, "insurance-fund.svg", "Insurance fund balance",
            "Each market's insurance fund. It falls when it takes over positions the book could not absorb; fees raise it. " +
            "The thin line is the balance at which the fund's loss in that market reaches its cap: below it the exchange " +
            "deleverages opposite positions (ADL) instead of drawing more from the fund.");
    }

    private static ReportPlot BadDebt(StressResult result)
    {
        var plot = PlotCanvas.OverTime(result, "Bad debt (all markets)", $"bad debt ({Format.MoneyUnit})");
        var points = result.Series.BadDebt.OrderBy(b => b.T).ToList();
        if (points.Count > 0)
        {
            var (xs, ys) = PlotCanvas.Steps(points.Select(b => PlotCanvas.Seconds(b.T)).ToList(),
                points.Select(b => (double)b.Amount).ToList(), PlotCanvas.Seconds(PlotCanvas.RunMilliseconds(result)));
            var line = plot.Add.ScatterLine(xs, ys, Colors.Crimson);
            line.LineWidth = 2;
            line.FillY = true;
            line.FillYColor = Colors.Crimson.WithAlpha(0.15);
            if (points.All(b => b.Amount == 0)) plot.Axes.SetLimitsY(-1, 10);
        }
        else PlotCanvas.Empty(plot, "no bad-debt figure was observed in this run");
        return PlotCanvas.RenderOverTime(result, plot, "bad-debt.svg", "Bad debt",
            "Losses that neither the account's collateral, the book, the insurance fund nor ADL covered, as the audit's explicit " +
            "bad-debt line. A flat line at zero is the good outcome.");
    }
}
