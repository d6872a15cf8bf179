using System.Text;
using Exchange.Stress.Results;

namespace Exchange.Stress.Report;

/// <summary>
/// Writes a run's report into a directory: <c>index.html</c> (one self-contained page: styles and plots inline, no
/// request leaves it), <c>result.json</c> (the same numbers, readable back with <see cref="ResultJson"/>) and every plot
/// as <c>plots/*.svg</c> for documents to include. The page reads top-down as a risk manager would ask: did it hold,
/// what happened, then the evidence (plots, numbers, timeline) and how to run it again. The page is also well-formed XML
/// (XHTML syntax with HTML5's doctype), so its structure can be checked exactly.
/// </summary>
public static class HtmlReport
{
    /// <summary>Writes the report and returns the path of its <c>index.html</c>.</summary>
    public static string Write(StressResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plotsDirectory = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plotsDirectory);

        var prices = PricePlots.Draw(result).ToList();
        var liquidations = LiquidationPlots.Draw(result).ToList();
        var money = FundPlots.Draw(result).Append(OpenInterestPlots.Draw(result)).ToList();
        var traffic = TrafficPlots.Draw(result).ToList();
        var plots = prices.Concat(liquidations).Concat(money).Concat(traffic).ToList();
        // The directory may hold an earlier run's report (a "latest report" directory): plots/ keeps this run's only.
        foreach (var stale in Directory.GetFiles(plotsDirectory, "*.svg").Where(f => plots.All(p => p.File != Path.GetFileName(f))))
            File.Delete(stale);
        foreach (var plot in plots) Replace(Path.Combine(plotsDirectory, plot.File), plot.Svg);

        Replace(Path.Combine(directory, "result.json"), ResultJson.Write(result));
        var index = Path.Combine(directory, "index.html");
        Replace(index, Page(result, prices, liquidations, money, traffic));
        return index;
    }

    /// <summary>
    /// Writes beside the file, then renames over it: a gateway serving the directory (<c>/stress/</c>) hands out the old
    /// file or the new one, never half of one. The temporary name starts with a dot, which the gateway does not serve.
    /// </summary>
    private static void Replace(string path, string content)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.writing");
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Page(StressResult result, List<ReportPlot> prices, List<ReportPlot> liquidations, List<ReportPlot> money,
        List<ReportPlot> traffic)
    {
        var name = Format.Html(result.Scenario.Name);
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Stress report: {name}</title>
            <style>{ReportStyle.Css}</style>
            </head>
            <body>
            <header>
            <h1>Stress report: {name} {Outcome(result)}</h1>
            <p class="description">{Format.Html(result.Scenario.Description)}</p>
            </header>

            """);
        html.Append("<section id=\"what-happened\" class=\"narrative\"><h2>What happened</h2>");
        foreach (var sentence in Narrative.Sentences(result)) html.Append($"<p>{Format.Html(sentence)}</p>");
        html.Append("</section>\n");
        Section(html, "verdicts", "Verdicts", VerdictTable.Html(result.Verdicts));
        Section(html, "prices", "Prices and the circuit breaker", Figures(prices));
        Section(html, "liquidations", "Liquidations", Figures(liquidations));
        Section(html, "money", "Insurance fund, bad debt and open interest", Figures(money));
        Section(html, "traders", "What traders saw", Figures(traffic));
        Section(html, "summary", "Summary numbers", SummaryTable.Html(result.Summary));
        Section(html, "timeline", "Timeline: faults and breaker intervals", TimelineTable.Html(result));
        Section(html, "run", "Scenario and run", RunTable.Html(result));
        html.Append("<footer>Times are seconds since the run's start; money is in ").Append(Format.MoneyUnit)
            .Append(". The same numbers are in result.json beside this page; the plots are in plots/.</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>PASSED or FAILED; a run that checked nothing passed nothing, whatever <see cref="StressResult.Passed"/> says.</summary>
    private static string Outcome(StressResult result) =>
        result.Verdicts.Count == 0 ? "<span class=\"outcome unchecked\">NOTHING CHECKED</span>"
        : result.Passed ? "<span class=\"outcome passed\">PASSED</span>"
        : "<span class=\"outcome failed\">FAILED</span>";

    private static void Section(StringBuilder html, string id, string heading, string body) =>
        html.Append($"<section id=\"{id}\"><h2>{Format.Html(heading)}</h2>\n{body}\n</section>\n");

    private static string Figures(IEnumerable<ReportPlot> plots)
    {
        var html = new StringBuilder();
        foreach (var plot in plots)
        {
            var prefix = Path.GetFileNameWithoutExtension(plot.File) + "-";
            html.Append($"<figure data-plot=\"{Format.Html(plot.File)}\"><h3>{Format.Html(plot.Title)}</h3>")
                .Append($"<figcaption>{Format.Html(plot.Caption)}</figcaption>\n")
                .Append(SvgInline.Html(plot.Svg, prefix, plot.Title, PlotCanvas.Width, PlotCanvas.Height))
                .Append("</figure>\n");
        }
        return html.ToString();
    }
}
