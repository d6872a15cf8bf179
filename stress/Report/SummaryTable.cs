using System.Text;
using Exchange.Stress.Results;

namespace Exchange.Stress.Report;

/// <summary>The run's headline numbers, each with its unit, and how long each fault interrupted traders.</summary>
internal static class SummaryTable
{
    public static string Html(StressSummary summary)
    {
        static string Ms(long? ms) => ms is { } value ? Format.Duration(value) : "not measured";
        var rows = new List<(string Name, string Value)>
        {
            ("Accounts", Format.Count(summary.Accounts)),
            ("Orders sent", Format.Count(summary.OrdersSent)),
            ("Orders acknowledged", Format.Count(summary.OrdersAcknowledged)),
            ("Orders refused", Format.Count(summary.OrdersRefused)),
            ("Orders without a definite answer", Format.Count(summary.OrdersUnknown)),
            ("Cancels accepted", Format.Count(summary.CancelsAccepted)),
            ("Cancels refused", Format.Count(summary.CancelsRefused)),
            ("Accounts liquidated", Format.Count(summary.AccountsLiquidated)),
            ("Liquidation handled after the mark, median", Ms(summary.LiquidationHandledP50Ms)),
            ("Liquidation handled after the mark, p99", Ms(summary.LiquidationHandledP99Ms)),
            ("Liquidation handled after the mark, slowest", Ms(summary.LiquidationHandledMaxMs)),
            ("Insurance fund drawn", Format.Money(summary.FundDrawn)),
            ("ADL volume", Format.Money(summary.AdlVolume)),
            ("ADL shortfall (what the fund could not take)", Format.Money(summary.AdlShortfall)),
            ("Bad debt", Format.Money(summary.BadDebt)),
            ("Breaker trips", Format.Count(summary.BreakerTrips)),
        };
        foreach (var outage in summary.Outages)
        {
            rows.Add(($"Interruption after \"{outage.Fault}\" at {Format.At(outage.At)}",
                outage.InterruptedMs is { } ms ? Format.Duration(ms) : "no order acknowledged after it"));
        }

        var html = new StringBuilder("<table class=\"summary\"><tbody>");
        foreach (var (name, value) in rows)
            html.Append($"<tr><th>{Format.Html(name)}</th><td class=\"number\">{Format.Html(value)}</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }
}
