using Exchange.Stress.Results;

namespace Exchange.Stress.Running;

/// <summary>
/// Turns the observations into the result's series and summary. The public liquidation feed does not name accounts:
/// each leveraged account the runner saw handled is matched to the last step of its market on its closing side at or
/// before it was seen handled (not matched yet), which carries the account and its handling time; other steps carry
/// an empty account.
/// </summary>
internal static class ResultBuilder
{
    public static List<LiquidationPoint> Steps(Observations seen, IReadOnlyList<WatchedAccount> watched)
    {
        var steps = seen.Liquidations.Values.Where(s => s.Step.Step != "fee").OrderBy(s => s.T).ThenBy(s => s.Step.Sequence)
            .Select(s => new LiquidationPoint(s.T, s.Step.Symbol, "", s.Step.Side, Json.Decimal(s.Step.Size) ?? 0, Json.Decimal(s.Step.Price) ?? 0,
                s.Step.Step, null, s.Step.Step == "adl" ? Json.Decimal(s.Step.Shortfall) : null))
            .ToList();
        foreach (var w in watched.Where(w => w.HandledAt is not null && w.CrossedAt is not null).OrderBy(w => w.HandledAt))
        {
            var side = w.Long ? "sell" : "buy";
            var i = steps.FindLastIndex(s => s.Account.Length == 0 && s.Symbol == w.Account.Market && s.Side == side && s.T <= w.HandledAt + 250);
            if (i >= 0) steps[i] = steps[i] with { Account = w.Account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), HandledAfterMs = w.HandledAt - w.CrossedAt };
        }
        return steps;
    }

    public static StressSummary Summary(int accounts, Recorder recorder, RunFacts facts, IReadOnlyList<TimelineMark> timeline)
    {
        var handled = facts.Watched.Where(w => w.HandledAt is not null && w.CrossedAt is not null)
            .Select(w => (double)(w.HandledAt!.Value - w.CrossedAt!.Value)).Order().ToArray();
        decimal fundDrawn = 0;
        foreach (var group in facts.Funds.GroupBy(f => f.Symbol))
        {
            var points = group.OrderBy(p => p.T).ToList();
            fundDrawn += Math.Max(0, points[0].Balance - points.Min(p => p.Balance));
        }
        var adl = facts.Steps.Where(s => s.Outcome == "adl").ToList();
        var outages = facts.Schedule.Faults.Select(f =>
        {
            var at = FaultSchedule.StartMs(f);
            var next = facts.Orders.Where(o => o.At >= at && o.Outcome == OrderOutcome.Acknowledged).Select(o => (long?)o.At).Min();
            return new FaultOutage(FaultTimeline.Text(f), at, next - at);
        }).ToList();
        return new StressSummary(
            accounts,
            recorder.Sent,
            recorder.AcknowledgedCount,
            recorder.Refused,
            recorder.Unknown,
            recorder.CancelsAccepted,
            recorder.CancelsRefused,
            handled.Length,
            handled.Length == 0 ? null : (long)Recorder.Percentile(handled, 0.5),
            handled.Length == 0 ? null : (long)Recorder.Percentile(handled, 0.99),
            handled.Length == 0 ? null : (long)handled[^1],
            fundDrawn,
            adl.Sum(s => s.Size),
            adl.Sum(s => s.Shortfall ?? 0),
            Json.Decimal(facts.Final.Audit.BadDebt) ?? 0,
            facts.Breakers.Count(b => b.State == "paused"),
            outages);
    }
}
