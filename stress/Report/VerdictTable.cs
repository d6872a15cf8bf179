using System.Text;
using Exchange.Stress.Results;

namespace Exchange.Stress.Report;

/// <summary>
/// The verdict table: each check with what was observed, what it must be, and whether it holds (green) or not (red),
/// failing checks first so a reader cannot miss them.
/// </summary>
internal static class VerdictTable
{
    /// <summary>What each standard check means, for a reader who did not write the scenario.</summary>
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["acknowledged-orders-lost"] = "orders the exchange acknowledged that it later did not know",
        ["money-difference"] = "the audit's difference: money created or destroyed",
        ["positions-net"] = "longs minus shorts in every market",
        ["unpaid-negative-equity"] = "negative equity not on the bad-debt line",
        ["adl-minimal"] = "ADL volume no more than the shortfall required",
    };

    public static string Html(IReadOnlyList<Verdict> verdicts)
    {
        if (verdicts.Count == 0) return "<p class=\"empty\">This run checked no verdicts.</p>";
        var html = new StringBuilder();
        html.Append("<table class=\"verdicts\"><thead><tr><th>Check</th><th>Observed</th><th>Expected</th><th>Holds</th><th>Detail</th></tr></thead><tbody>");
        foreach (var verdict in verdicts.OrderBy(v => v.Holds))
        {
            var meaning = Meanings.TryGetValue(verdict.Name, out var text) ? $"<div class=\"meaning\">{Format.Html(text)}</div>" : "";
            html.Append($"<tr class=\"{(verdict.Holds ? "holds" : "fails")}\" data-verdict=\"{Format.Html(verdict.Name)}\">")
                .Append($"<td>{Format.Html(verdict.Name)}{meaning}</td>")
                .Append($"<td>{Format.Html(verdict.Observed)}</td>")
                .Append($"<td>{Format.Html(verdict.Expected)}</td>")
                .Append($"<td class=\"holds-cell\">{(verdict.Holds ? "holds" : "FAILS")}</td>")
                .Append($"<td>{Format.Html(verdict.Detail)}</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }
}
