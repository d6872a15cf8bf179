using Exchange.Stress.Results;

namespace Exchange.Stress.Running;

/// <summary>
/// Turns the observations into the result's series and summary. Each liquidation step names its account (the operators'
/// feed): a leveraged account the runner saw handled has its handling time on its last step at or before it was seen
/// handled; the steps of accounts the runner did not watch (a counterparty, the fund) carry their account and no time.
/// </summary>
internal static class ResultBuilder
{
    public static List<LiquidationPoint> Steps(Observations seen, IReadOnlyList<WatchedAccount> watched)
    {
        var ordered = seen.Liquidations.Values.Where(s => s.Step.Step.Step != "fee").OrderBy(s => s.T).ThenBy(s => s.Step.Step.Sequence).ToList();
        var handledAt = new Dictionary<long, int>();
        var byId = watched.ToDictionary(w => w.Account.Id);
        for (var i = 0; i < ordered.Count; i++)
            if (byId.TryGetValue(ordered[i].Step.AccountId, out var w) && w.HandledAt is { } at && w.CrossedAt is not null && ordered[i].T <= at + 250)
                handledAt[w.Account.Id] = i;
        return [.. ordered.Select((s, i) =>
        {
            var step = s.Step.Step;
            long? after = byId.TryGetValue(s.Step.AccountId, out var w) && handledAt.GetValueOrDefault(w.Account.Id, -1) == i ? w.HandledAt - w.CrossedAt : null;
            return new LiquidationPoint(s.T, step.Symbol, s.Step.AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture), step.Side,
                Json.Decimal(step.Size) ?? 0, Json.Decimal(step.Price) ?? 0, step.Step, after, step.Step == "adl" ? Json.Decimal(step.Shortfall) : null);
        })];
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
