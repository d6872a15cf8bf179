using System.Text;
using Exchange.Stress.Results;

namespace Exchange.Stress.Report;

/// <summary>Which scenario ran, where, when and with which seed: what someone needs to run it again.</summary>
internal static class RunTable
{
    public static string Html(StressResult result)
    {
        var run = result.Run;
        var rows = new List<(string Name, string Value)>
        {
            ("Scenario", result.Scenario.Name),
            ("Scenario file", result.Scenario.File),
            ("Markets", string.Join(", ", result.Scenario.Markets)),
            ("Target", run.Target),
            ("Machine", run.Machine),
            ("Seed", run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Started", Format.Timestamp(run.StartedAt)),
            ("Ended", Format.Timestamp(run.EndedAt)),
            ("Length", Format.Duration((long)(run.EndedAt - run.StartedAt).TotalMilliseconds)),
        };
        // Known only once a report has been written (a runner times the writing, then records it in result.json).
        if (run.ReportMilliseconds > 0) rows.Add(("Report written in", Format.Duration(run.ReportMilliseconds)));
        var html = new StringBuilder("<table class=\"run\"><tbody>");
        foreach (var (name, value) in rows)
            html.Append($"<tr><th>{Format.Html(name)}</th><td>{Format.Html(value)}</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }
}
