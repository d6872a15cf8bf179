using System.Globalization;
using System.Text;
using Exchange.Stress.Results;

namespace Exchange.Stress.Report;

/// <summary>
/// The run's timeline as a table, in time order: the faults the scenario injected, their recoveries, its phases, and
/// every interval a market spent out of continuous trading (with the reason the exchange gave and how it reopened).
/// A mark's number is the one on the plots' vertical lines.
/// </summary>
internal static class TimelineTable
{
    public static string Html(StressResult result)
    {
        var rows = PlotCanvas.Numbered(result.Timeline)
            .Select(m => (m.Mark.T, Number: m.Number.ToString(CultureInfo.InvariantCulture), m.Mark.Kind, Market: "", What: m.Mark.Text, Duration: ""))
            .Concat(result.Series.Breakers.Select(b => (
                T: b.From,
                Number: "",
                Kind: "breaker",
                Market: b.Symbol,
                What: $"{b.State} ({b.Reason})" + (b.ReopenPrice is { } price ? $", reopened by auction at {Format.Number(price)}" : ""),
                Duration: b.To is { } to ? Format.Duration(to - b.From) : "until the run ended")))
            .OrderBy(r => r.T)
            .ToList();
        if (rows.Count == 0) return "<p class=\"empty\">No faults, phases or breaker intervals in this run.</p>";

        var html = new StringBuilder("<table class=\"timeline\"><thead><tr><th>At</th><th title=\"the number on the plots' vertical lines\">#</th><th>Kind</th><th>Market</th><th>What</th><th>Lasted</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append($"<tr class=\"{Format.Html(row.Kind)}\"><td class=\"number\">{Format.At(row.T)}</td><td>{row.Number}</td><td>{Format.Html(row.Kind)}</td>")
                .Append($"<td>{Format.Html(row.Market)}</td><td>{Format.Html(row.What)}</td><td class=\"number\">{Format.Html(row.Duration)}</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }
}
