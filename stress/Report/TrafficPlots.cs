using Exchange.Stress.Results;
using ScottPlot;

namespace Exchange.Stress.Report;

/// <summary>What traders saw, second by second: how long orders waited for their acknowledgement, and whether cancels passed.</summary>
internal static class TrafficPlots
{
    public static IEnumerable<ReportPlot> Draw(StressResult result)
    {
        yield return Latency(result);
        yield return Cancels(result);
    }

    private static ReportPlot Latency(StressResult result)
    {
        var plot = PlotCanvas.OverTime(result, "Order acknowledgement latency, per second", "latency (ms)");
        var seconds = result.Series.OrderLatency.Where(s => s.Count > 0).OrderBy(s => s.Second).ToList();
        if (seconds.Count > 0)
        {
            var xs = seconds.Select(s => s.Second + 0.5).ToArray();
            var p99 = plot.Add.ScatterLine(xs, seconds.Select(s => s.P99Ms).ToArray(), Colors.Crimson);
            p99.LegendText = "p99";
            p99.LineWidth = 1.5f;
            var p50 = plot.Add.ScatterLine(xs, seconds.Select(s => s.P50Ms).ToArray(), Colors.SteelBlue);
            p50.LegendText = "p50 (median)";
            p50.LineWidth = 2;
            plot.Axes.SetLimitsY(0, Math.Max(1, seconds.Max(s => s.P99Ms)) * 1.1);
        }
        else PlotCanvas.Empty(plot, "no order was acknowledged in this run");
        return PlotCanvas.RenderOverTime(result, plot, "order-latency.svg", "Order acknowledgement latency",
            "From an order being sent to its answer arriving, for the orders answered in each second: the median and the " +
            "slowest 1%. Gaps are seconds in which no order was answered (an outage shows as a gap, then a spike).");
    }

    private static ReportPlot Cancels(StressResult result)
    {
        var plot = PlotCanvas.OverTime(result, "Cancels accepted and refused, per second", "cancels");
        var seconds = result.Series.Cancels.Where(s => s.Accepted + s.Refused > 0).OrderBy(s => s.Second).ToList();
        if (seconds.Count > 0)
        {
            var accepted = plot.Add.Bars(seconds.Select(s => new Bar
            {
                Position = s.Second + 0.5, Value = s.Accepted, Size = 0.9, FillColor = Colors.SeaGreen, LineWidth = 0,
            }).ToList());
            accepted.LegendText = "accepted";
            var refusing = seconds.Where(s => s.Refused > 0).ToList();
            if (refusing.Count > 0)
            {
                var refused = plot.Add.Bars(refusing.Select(s => new Bar
                {
                    Position = s.Second + 0.5, ValueBase = s.Accepted, Value = s.Accepted + s.Refused, Size = 0.9,
                    FillColor = Colors.Crimson, LineWidth = 0,
                }).ToList());
                refused.LegendText = "refused";
            }
            plot.Axes.SetLimitsY(0, seconds.Max(s => s.Accepted + s.Refused) * 1.15);
        }
        else PlotCanvas.Empty(plot, "no cancel was sent in this run");
        return PlotCanvas.RenderOverTime(result, plot, "cancels.svg", "Cancels accepted versus refused",
            "Cancels answered in each second: green were accepted (including \"already gone\"), red refused. A trader must " +
            "always be able to pull quotes, so red during a burst or a fault is what to look for.");
    }
}
