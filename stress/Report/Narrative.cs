using Exchange.Stress.Results;

namespace Exchange.Stress.Report;

/// <summary>
/// The "what happened" paragraph: the run told in plain sentences made from its numbers, for a risk manager who did not
/// write the scenario (e.g. "BTC-PERP tripped its breaker twice; 37 accounts were liquidated in 41 steps: 30 through
/// the book..."). Every figure comes from the result; nothing here judges beyond what the verdicts say.
/// </summary>
internal static class Narrative
{
    public static IReadOnlyList<string> Sentences(StressResult result)
    {
        var sentences = new List<string> { Verdicts(result.Verdicts) };
        var runMs = PlotCanvas.RunMilliseconds(result);
        foreach (var symbol in result.Scenario.Markets.Concat(result.Series.Prices.Select(p => p.Symbol)).Distinct(StringComparer.Ordinal))
            sentences.Add(Market(result, symbol, runMs));
        sentences.Add(Liquidations(result));
        sentences.AddRange(Funds(result));
        sentences.Add(Losses(result.Summary));
        sentences.Add(Orders(result));
        sentences.AddRange(Outages(result.Summary));
        return sentences.Where(s => s.Length > 0).ToList();
    }

    private static string Verdicts(IReadOnlyList<Verdict> verdicts)
    {
        if (verdicts.Count == 0) return "This run checked no verdicts.";
        var failing = verdicts.Where(v => !v.Holds).ToList();
        if (failing.Count == 0) return verdicts.Count == 1 ? "The one check holds." : $"All {Format.Count(verdicts.Count)} checks hold.";
        var named = string.Join("; ", failing.Select(v => $"{v.Name} (observed {v.Observed}, expected {v.Expected})"));
        return $"{Format.Count(failing.Count)} of {Format.Count(verdicts.Count)} checks {(failing.Count == 1 ? "FAILS" : "FAIL")}: {named}.";
    }

    private static string Market(StressResult result, string symbol, long runMs)
    {
        var prices = result.Series.Prices.Where(p => p.Symbol == symbol).OrderBy(p => p.T).ToList();
        var breakers = result.Series.Breakers.Where(b => b.Symbol == symbol).ToList();
        if (prices.Count == 0 && breakers.Count == 0) return $"{symbol}: no prices or breaker states were observed.";
        var parts = new List<string>();
        var (name, series) = prices.Any(p => p.Index is not null) ? ("index", prices.Select(p => (p.T, p.Index)))
            : ("mark", prices.Select(p => (p.T, Value: p.Mark)));
        var values = series.Where(p => p.Item2 is not null).Select(p => (p.T, Value: p.Item2!.Value)).ToList();
        if (values.Count > 0)
        {
            var (first, last) = (values[0].Value, values[^1].Value);
            var low = values.MinBy(v => v.Value);
            var change = first == 0 ? "" : $" ({Signed((double)((last - first) / first))})";
            parts.Add(low.Value == values.Max(v => v.Value)
                ? $"the {name} held at {Format.Number(first)}"
                : $"the {name} went from {Format.Number(first)} to {Format.Number(last)}{change}, lowest {Format.Number(low.Value)} at {Format.At(low.T)}");
        }
        var gaps = prices.Where(p => p is { Index: not null, Mark: not null } && p.Index != 0)
            .Select(p => Math.Abs((double)((p.Mark!.Value - p.Index!.Value) / p.Index.Value))).ToList();
        if (gaps.Count > 0) parts.Add($"the mark stayed within {Format.Percent(gaps.Max())} of the index");

        var stops = breakers.Where(b => b.State != "reopening").GroupBy(b => b.State).ToList();
        if (stops.Count == 0) parts.Add("it traded continuously throughout");
        foreach (var state in stops)
        {
            var reasons = string.Join(", ", state.Select(b => b.Reason).Distinct());
            parts.Add((state.Key == "paused" ? "it tripped its breaker " : $"it was {state.Key} ") + $"{Format.Times(state.Count())} ({reasons})");
        }
        if (breakers.Count > 0)
        {
            var outMs = breakers.Sum(b => (b.To ?? runMs) - b.From);
            var reopens = breakers.Where(b => b.ReopenPrice is not null).Select(b => Format.Number(b.ReopenPrice!.Value)).ToList();
            parts.Add($"it spent {Format.Duration(outMs)} out of continuous trading" +
                (reopens.Count > 0 ? $" and reopened by auction at {string.Join(", then ", reopens)}" : "") +
                (breakers.Any(b => b.To is null) ? "; the run ended before it traded continuously again" : ""));
        }
        return $"{symbol}: {string.Join("; ", parts)}.";
    }

    private static string Liquidations(StressResult result)
    {
        var steps = result.Series.Liquidations;
        var summary = result.Summary;
        if (steps.Count == 0 && summary.AccountsLiquidated == 0) return "No account was liquidated.";
        var byOutcome = LiquidationPlots.Outcomes
            .Select(o => (o.Name, Count: steps.Count(l => l.Outcome == o.Outcome)))
            .Concat(steps.Select(l => l.Outcome).Where(o => LiquidationPlots.Outcomes.All(k => k.Outcome != o)).Distinct()
                .Select(o => (Name: o, Count: steps.Count(l => l.Outcome == o))))
            .Where(o => o.Count > 0)
            .Select(o => $"{Format.Count(o.Count)} {o.Name}");
        var sentence = $"{Format.Of(summary.AccountsLiquidated, "account was", "accounts were")} liquidated in " +
            $"{Format.Of(steps.Count, "step", "steps")}: {string.Join(", ", byOutcome)}.";
        if (summary.LiquidationHandledP50Ms is { } p50 && summary.LiquidationHandledMaxMs is { } max)
            sentence += $" Accounts were handled a median {Format.Duration(p50)} after their mark crossed maintenance" +
                (summary.LiquidationHandledP99Ms is { } p99 ? $", 99% within {Format.Duration(p99)}" : "") + $", the slowest after {Format.Duration(max)}.";
        return sentence;
    }

    private static IEnumerable<string> Funds(StressResult result)
    {
        foreach (var market in result.Series.InsuranceFunds.GroupBy(f => f.Symbol, StringComparer.Ordinal))
        {
            var points = market.OrderBy(f => f.T).ToList();
            var change = points[^1].Balance - points[0].Balance;
            var cap = points.FirstOrDefault(f => f.Cap is not null)?.Cap;
            var what = change switch
            {
                < 0 => $"lost {Format.Money(-change)}" + (cap is { } c ? $" of its {Format.Money(c)} cap" : ""),
                > 0 => $"gained {Format.Money(change)}",
                _ => "did not change",
            };
            yield return $"The {market.Key} insurance fund {what} (from {Format.Number(points[0].Balance)} to {Format.Money(points[^1].Balance)}).";
        }
    }

    private static string Losses(StressSummary summary)
    {
        var adl = summary.AdlVolume > 0
            ? $"ADL deleveraged {Format.Money(summary.AdlVolume)} against a shortfall of {Format.Money(summary.AdlShortfall)}; "
            : "No position was auto-deleveraged; ";
        var badDebt = summary.BadDebt == 0
            ? "no loss was left uncovered (bad debt 0)."
            : $"{Format.Money(summary.BadDebt)} of losses were left uncovered and booked as bad debt.";
        return adl + badDebt;
    }

    private static string Orders(StressResult result)
    {
        var summary = result.Summary;
        if (summary is { OrdersSent: 0, OrdersAcknowledged: 0, CancelsAccepted: 0, CancelsRefused: 0 }) return "No order or cancel was sent.";
        var sentence = $"Traders sent {Format.Of(summary.OrdersSent, "order", "orders")}: {Format.Count(summary.OrdersAcknowledged)} acknowledged, " +
            $"{Format.Count(summary.OrdersRefused)} refused, {Format.Count(summary.OrdersUnknown)} without a definite answer";
        var lost = result.Verdicts.FirstOrDefault(v => v.Name == "acknowledged-orders-lost");
        if (lost is not null)
            sentence += lost.Holds ? "; no acknowledged order was lost" : $"; acknowledged orders lost: {lost.Observed}";
        sentence += $". {Format.Count(summary.CancelsAccepted)} cancels were accepted and {Format.Count(summary.CancelsRefused)} refused.";
        var seconds = result.Series.OrderLatency.Where(s => s.Count > 0).ToList();
        if (seconds.Count > 0)
        {
            var typical = seconds.Select(s => s.P50Ms).Order().ElementAt(seconds.Count / 2);
            var worst = seconds.MaxBy(s => s.P99Ms)!;
            sentence += $" In a typical second orders were acknowledged in {Format.Milliseconds(typical)} (median); the worst second's p99 " +
                $"was {Format.Milliseconds(worst.P99Ms)} (at {Format.At(worst.Second * 1000)}).";
        }
        return sentence;
    }

    private static IEnumerable<string> Outages(StressSummary summary) => summary.Outages.Select(o => o.InterruptedMs is { } ms
        ? $"After \"{o.Fault}\" at {Format.At(o.At)}, traders waited {Format.Duration(ms)} for the next acknowledged order."
        : $"After \"{o.Fault}\" at {Format.At(o.At)}, no order was acknowledged again before the run ended.");

    private static string Signed(double fraction) => (fraction > 0 ? "+" : "") + Format.Percent(fraction);
}
