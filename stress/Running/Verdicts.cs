using System.Globalization;
using Exchange.Stress.Results;
using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>
/// Judges a run from what was observed. The standard verdicts every run has: <c>acknowledged-orders-lost</c> (0),
/// <c>money-difference</c> (0), <c>positions-net</c> (0 in every market), <c>unpaid-negative-equity</c> (0),
/// <c>adl-minimal</c> (in each market, no more deleveraged than what the book and the fund left of the positions the runner
/// saw liquidated). Then those the scenario expects (<see cref="ScenarioVerdicts"/>). A verdict never bends to the
/// exchange: when one fails, the figures say by how much.
/// </summary>
internal sealed class Verdicts(Scenario scenario, RunFacts facts)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public List<Verdict> Judge()
    {
        var list = new List<Verdict>
        {
            Lost(), MoneyDifference(), PositionsNet(), UnpaidNegativeEquity(), AdlMinimal(),
        };
        list.AddRange(scenario.Expect.Select(Expected));
        return list;
    }

    private Verdict Lost()
    {
        var f = facts.Final;
        var detail = $"{f.OrdersChecked} acknowledged orders looked for by client order id at the end: all reconciled with their market "
            + $"({f.UnknownToMemory} unknown to its memory), {f.Described} asked for one by one (those, and a sample of the rest)";
        if (f.Lost.Count > 0) detail += $"; not found: {string.Join("; ", f.Lost.Take(5))}";
        if (f.Unverified.Count > 0) detail += $"; could not be asked: {string.Join("; ", f.Unverified.Take(5))}";
        return new Verdict("acknowledged-orders-lost", N(f.Lost.Count + f.Unverified.Count), "0", f.Lost.Count == 0 && f.Unverified.Count == 0, detail);
    }

    private Verdict MoneyDifference()
    {
        var a = facts.Final.Audit;
        return new Verdict("money-difference", a.MoneyDifference, "0", Json.Decimal(a.MoneyDifference) == 0,
            $"audit: holdings {a.Holdings}, fees {a.Fees}, insurance {a.InsuranceFund}, net deposits {a.NetDeposits}, bad debt {a.BadDebt}");
    }

    private Verdict PositionsNet()
    {
        var nets = facts.Final.Audit.NetPositions;
        var off = nets.Where(kv => Json.Decimal(kv.Value) != 0).ToList();
        return new Verdict("positions-net", off.Count == 0 ? "0" : string.Join(", ", off.Select(kv => $"{kv.Key} {kv.Value}")), "0 in every market",
            off.Count == 0, string.Join(", ", nets.Select(kv => $"{kv.Key} {kv.Value}")));
    }

    private Verdict UnpaidNegativeEquity()
    {
        var f = facts.Final;
        var badDebt = Json.Decimal(f.Audit.BadDebt)!.Value;
        var unpaid = Math.Max(0, f.NegativeEquity - badDebt);
        return new Verdict("unpaid-negative-equity", D(unpaid), "0", unpaid == 0,
            $"{f.AccountsWithNegativeEquity} accounts with negative equity, {D(f.NegativeEquity)} in all; the audit's bad-debt line {D(badDebt)}");
    }

    /// <summary>
    /// Per market: what liquidation closed (the positions of the accounts the mark crossed, at the start less at the end) less what
    /// the book took and what the insurance fund still holds at the end is what nobody but ADL could take; ADL may not
    /// exceed it. The fund's own holding counts at the end, because a fund pushed under water is itself liquidated
    /// (what it took over then leaves it by the book or by ADL).
    /// </summary>
    private Verdict AdlMinimal()
    {
        var holds = true;
        var parts = new List<string>();
        foreach (var market in scenario.Markets.Select(m => m.Symbol))
        {
            var steps = facts.Steps.Where(s => s.Symbol == market).ToList();
            if (steps.Count == 0) continue;
            var adl = steps.Where(s => s.Outcome == "adl").Sum(s => s.Size);
            var book = steps.Where(s => s.Outcome == "book").Sum(s => s.Size);
            var fundTook = steps.Where(s => s.Outcome == "fund").Sum(s => s.Size);
            var fundHolds = Math.Abs(facts.Final.Positions.GetValueOrDefault((facts.FundAccounts[market], market)));
            // Closed sizes from the positions read at the end: the last reading during the run may be a minute old at
            // 100,000 accounts, and counted the liquidations after it as not needed (ADL then looked beyond the shortfall).
            var liquidated = facts.Watched.Where(w => w.Account.Market == market && w.CrossedAt is not null)
                .Sum(w => Math.Abs(w.StartSize) - Math.Abs(facts.Final.Positions.GetValueOrDefault((w.Account.Id, market))));
            var required = Math.Max(0, liquidated - book - fundHolds);
            holds &= adl <= required;
            parts.Add($"{market}: adl {D(adl)}, required at most {D(required)} (liquidated {D(liquidated)}, book {D(book)}, " +
                      $"fund took {D(fundTook)} and holds {D(fundHolds)} at the end)");
        }
        return new Verdict("adl-minimal", D(facts.Steps.Where(s => s.Outcome == "adl").Sum(s => s.Size)), "no more than the shortfall requires",
            holds, parts.Count == 0 ? "no liquidation steps" : string.Join("; ", parts));
    }

    private Verdict Expected(ExpectedVerdict e) => e.Name switch
    {
        ScenarioVerdicts.BreakerTripped => BreakerTripped(e.Market!),
        ScenarioVerdicts.BreakerReopened => BreakerReopened(e.Market!),
        ScenarioVerdicts.IndexWentStale => IndexWentStale(e.Market!),
        ScenarioVerdicts.IndexIgnoredLiar => IndexIgnoredLiar(e.Index!, e.Max!.Value),
        ScenarioVerdicts.AccountsLiquidated => AccountsLiquidated(e.Min!.Value, e.Max),
        ScenarioVerdicts.LiquidationsHandledWithin => HandledWithin(e.Max!.Value),
        ScenarioVerdicts.AdlUsed => AdlUsed(e.Market!),
        ScenarioVerdicts.FundWithinCap => FundWithinCap(e.Market!),
        ScenarioVerdicts.OtherMarketsUntouched => Untouched(e.Markets!),
        ScenarioVerdicts.CancelsPassInBurst => CancelsPassInBurst(),
        ScenarioVerdicts.MakersWithdrew => new Verdict(e.Name, N(facts.MakerWithdrawals), "at least 1", facts.MakerWithdrawals > 0,
            "times a maker pulled all its quotes (volatility or the all-cancel fault)"),
        _ => throw new InvalidOperationException($"unknown verdict {e.Name}"),
    };

    private Verdict BreakerTripped(string market)
    {
        var trips = facts.Breakers.Where(b => b.Symbol == market && b.State == "paused").ToList();
        return new Verdict($"breaker-tripped {market}", N(trips.Count), "at least 1", trips.Count > 0,
            string.Join("; ", trips.Select(b => $"{b.Reason} from {b.From} ms to {(b.To is { } to ? to + " ms" : "the end")}")));
    }

    private Verdict BreakerReopened(string market)
    {
        var spans = facts.Breakers.Where(b => b.Symbol == market).ToList();
        var open = spans.Count(b => b.To is null);
        return new Verdict($"breaker-reopened {market}", $"{spans.Count - open} of {spans.Count} ended", "at least one pause, all ended",
            spans.Count > 0 && open == 0,
            string.Join("; ", spans.Select(b => $"{b.State} ({b.Reason}) {b.From}-{b.To?.ToString(Invariant) ?? "end"} ms, reopened at {b.ReopenPrice?.ToString(Invariant) ?? "-"}")));
    }

    private Verdict IndexWentStale(string market)
    {
        var stale = facts.Prices.Where(p => p.Symbol == market && p.Index is null).ToList();
        return new Verdict($"index-went-stale {market}", N(stale.Count), "at least one reading without a trusted index", stale.Count > 0,
            stale.Count == 0 ? "the index stayed trusted" : $"untrusted from {stale[0].T} ms to {stale[^1].T} ms ({stale.Count} readings)");
    }

    private Verdict IndexIgnoredLiar(string index, decimal maxBps)
    {
        var path = facts.Paths[index];
        var markets = scenario.Markets.Where(m => m.Index == index).Select(m => m.Symbol).ToHashSet();
        var windows = facts.Schedule.Windows(FaultKind.FeedLies).ToList();
        decimal worst = 0;
        var readings = 0;
        foreach (var p in facts.Prices.Where(p => markets.Contains(p.Symbol) && p.Index is not null && windows.Any(w => p.T >= w.From && p.T < w.To)))
        {
            readings++;
            // The honest path within the last two seconds (the index follows the feeds a tick or two late).
            var honest = Enumerable.Range(0, 9).Select(k => (decimal)path.PriceAt(p.T - k * 250) / Exchange.PriceFeeds.PriceUnits.Scale);
            var distance = honest.Min(h => Math.Abs(p.Index!.Value - h) * 10_000 / h);
            worst = Math.Max(worst, distance);
        }
        return new Verdict($"index-ignored-liar {index}", $"{worst:0.#} bps", $"at most {maxBps} bps from the honest path", readings > 0 && worst <= maxBps,
            readings == 0 ? "no trusted index reading during the lie" : $"{readings} readings during the lie, the furthest {worst:0.#} bps from the honest path");
    }

    private Verdict AccountsLiquidated(decimal min, decimal? max)
    {
        var handled = facts.Watched.Count(w => w.HandledAt is not null);
        return new Verdict("accounts-liquidated", N(handled), max is { } m ? $"{min} to {m}" : $"at least {min}", handled >= min && (max is null || handled <= max),
            $"{facts.Watched.Count(w => w.CrossedAt is not null)} of {facts.Watched.Count} leveraged accounts crossed by the mark, {handled} handled");
    }

    private Verdict HandledWithin(decimal maxMs)
    {
        var crossed = facts.Watched.Where(w => w.CrossedAt is not null && !w.Recovered).ToList();
        var unhandled = crossed.Count(w => w.HandledAt is null);
        var times = crossed.Where(w => w.HandledAt is not null).Select(w => w.HandledAt!.Value - w.CrossedAt!.Value).ToList();
        var slowest = times.Count == 0 ? 0 : times.Max();
        var sorted = times.Select(t => (double)t).Order().ToArray();
        return new Verdict("liquidations-handled-within-ms", times.Count == 0 ? "none handled" : $"{slowest} ms", $"every account within {maxMs} ms",
            crossed.Count > 0 && unhandled == 0 && slowest <= maxMs,
            $"{crossed.Count} accounts under maintenance, {times.Count} handled, {unhandled} never handled; p50 {Recorder.Percentile(sorted, 0.50)} ms, " +
            $"p99 {Recorder.Percentile(sorted, 0.99)} ms; times are from the first mark reading beyond the liquidation price (every 250 ms) to the " +
            "exchange's commit of the step that closed the position (or a reading of it reduced and safe)");
    }

    private Verdict AdlUsed(string market)
    {
        var adl = facts.Steps.Where(s => s.Symbol == market && s.Outcome == "adl").ToList();
        return new Verdict($"adl-used {market}", $"{adl.Count} steps, {D(adl.Sum(s => s.Size))}", "at least one ADL step", adl.Count > 0,
            $"fund steps {facts.Steps.Count(s => s.Symbol == market && s.Outcome == "fund")}, book steps {facts.Steps.Count(s => s.Symbol == market && s.Outcome == "book")}");
    }

    /// <summary>
    /// The fund takes over only while its loss in the market is within its cap: no fund step may follow a reading of the
    /// fund already down by the cap or more. (A position it holds can lose more afterwards as the price moves on: the
    /// cap bounds what it takes, not the market.)
    /// </summary>
    private Verdict FundWithinCap(string market)
    {
        var points = facts.Funds.Where(f => f.Symbol == market).ToList();
        if (points.Count == 0) return new Verdict($"fund-within-cap {market}", "no readings", "no takeover beyond the cap", false, "the insurance fund was never read");
        var start = points[0].Balance;
        var cap = scenario.Markets.First(m => m.Symbol == market).Liquidation.FundLossCapBps * start / 10_000;
        var atCap = points.FirstOrDefault(p => start - p.Balance >= cap);
        // Only steps after the reading's answer arrived: the state it showed may be that of any moment until then.
        var answeredAt = atCap is null ? 0 : facts.FundAnsweredAt.GetValueOrDefault((market, atCap.T), atCap.T);
        var beyond = atCap is null ? [] : facts.Steps.Where(s => s.Symbol == market && s.Outcome == "fund" && s.T > answeredAt).ToList();
        var low = points.Min(p => p.Balance);
        return new Verdict($"fund-within-cap {market}", $"{beyond.Count} takeovers after the cap was reached", "none",
            beyond.Count == 0,
            $"cap {D(cap)} ({D(start)} at the start); lowest {D(low)}, end {D(points[^1].Balance)}; " +
            (atCap is null ? "the fund's loss never reached the cap" : $"seen reached by the reading sent at {atCap.T} ms, answered at {answeredAt} ms") +
            $"; fund steps {facts.Steps.Count(s => s.Symbol == market && s.Outcome == "fund")}, adl steps {facts.Steps.Count(s => s.Symbol == market && s.Outcome == "adl")}");
    }

    private Verdict Untouched(IReadOnlyList<string> markets)
    {
        var steps = facts.Steps.Count(s => markets.Contains(s.Symbol));
        var pauses = facts.Breakers.Count(b => markets.Contains(b.Symbol));
        return new Verdict($"other-markets-untouched {string.Join(",", markets)}", $"{steps} liquidation steps, {pauses} pauses", "none",
            steps == 0 && pauses == 0, "liquidation steps and pauses in the markets the shock should not reach");
    }

    private Verdict CancelsPassInBurst()
    {
        var windows = facts.Schedule.Windows(FaultKind.OrderBurst).ToList();
        var inBurst = facts.Cancels.Where(c => windows.Any(w => c.At >= w.From && c.At < w.To)).ToList();
        var refused = inBurst.Where(c => !c.Accepted).ToList();
        var orders = facts.Orders.Count(o => windows.Any(w => o.At >= w.From && o.At < w.To));
        return new Verdict("cancels-pass-in-burst", $"{refused.Count} of {inBurst.Count} refused", "0 refused, at least one cancel",
            inBurst.Count > 0 && refused.Count == 0,
            $"{orders} orders answered during the burst; refusals: {string.Join(", ", refused.GroupBy(c => c.Code ?? "?").Select(g => $"{g.Key} x{g.Count()}"))}");
    }

    private static string N(long n) => n.ToString(Invariant);

    private static string D(decimal d) => Json.Text(d);
}

/// <summary>What the verdicts and the summary are judged from.</summary>
internal sealed record RunFacts(
    FinalState Final,
    IReadOnlyList<LiquidationPoint> Steps,
    IReadOnlyList<BreakerInterval> Breakers,
    IReadOnlyList<PricePoint> Prices,
    IReadOnlyList<FundPoint> Funds,
    IReadOnlyList<WatchedAccount> Watched,
    IReadOnlyDictionary<string, PricePath> Paths,
    FaultSchedule Schedule,
    IReadOnlyList<(long At, bool Accepted, string? Code)> Cancels,
    IReadOnlyList<(long At, OrderOutcome Outcome)> Orders,
    int MakerWithdrawals,
    IReadOnlyDictionary<string, long> FundAccounts,
    IReadOnlyDictionary<(string Symbol, long T), long> FundAnsweredAt);
