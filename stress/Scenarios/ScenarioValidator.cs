using System.Text.RegularExpressions;

namespace Exchange.Stress.Scenarios;

/// <summary>
/// What a scenario's values must mean before anything is sent to an exchange: positive sizes that are whole lots,
/// tiers the market would take, leverage the initial margin allows, faults inside the run and naming things that
/// exist, verdicts the runner knows. The first problem is thrown, naming its field.
/// </summary>
public static partial class ScenarioValidator
{
    public static readonly IReadOnlySet<string> FaultKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        FaultKind.FeedLies, FaultKind.FeedsFreeze, FaultKind.MakersCancelAll, FaultKind.OrderBurst,
        FaultKind.SiloKill, FaultKind.SiloFreeze, FaultKind.DatabaseStop,
    };

    public static void Validate(Scenario s)
    {
        Require(NamePattern().IsMatch(s.Name), "name", "1 to 64 of a-z, 0-9 and '-'");
        Require(s.DurationSeconds is > 0 and <= 3_600, "durationSeconds", "between 0 and 3600 seconds");
        Require(s.Markets.Count > 0, "markets", "at least one market");
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < s.Markets.Count; i++)
        {
            ValidateMarket(s.Markets[i], $"markets[{i}]");
            Require(symbols.Add(s.Markets[i].Symbol), $"markets[{i}].symbol", $"{s.Markets[i].Symbol} is named twice");
        }
        var indices = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < s.Paths.Count; i++)
        {
            ValidatePath(s.Paths[i], $"paths[{i}]");
            Require(indices.Add(s.Paths[i].Index), $"paths[{i}].index", $"{s.Paths[i].Index} has two paths");
        }
        for (var i = 0; i < s.Markets.Count; i++)
            Require(indices.Contains(s.Markets[i].Index), $"markets[{i}].index", $"no path is given for {s.Markets[i].Index}");
        ValidatePopulation(s);
        for (var i = 0; i < s.Faults.Count; i++) ValidateFault(s, s.Faults[i], $"faults[{i}]");
        for (var i = 0; i < s.Expect.Count; i++) ValidateExpectation(s, s.Expect[i], $"expect[{i}]");
    }

    private static void ValidateMarket(MarketScenario m, string at)
    {
        Require(SymbolPattern().IsMatch(m.Symbol), $"{at}.symbol", "upper-case letters, digits and inner dashes");
        Require(IndexPattern().IsMatch(m.Index), $"{at}.index", "1-32 of A-Z, 0-9 and '-'");
        Require(m.TickSize > 0, $"{at}.tickSize", "must be positive");
        Require(m.LotSize > 0, $"{at}.lotSize", "must be positive");
        Require(m.MaxPrice > 0 && m.MaxPrice % m.TickSize == 0, $"{at}.maxPrice", "a positive multiple of tickSize");
        Require(m.MaxSize > 0 && m.MaxSize % m.LotSize == 0, $"{at}.maxSize", "a positive multiple of lotSize");
        Require(m.MarginTiers.Count > 0, $"{at}.marginTiers", "at least one tier");
        for (var i = 0; i < m.MarginTiers.Count; i++)
        {
            var tier = m.MarginTiers[i];
            var tierAt = $"{at}.marginTiers[{i}]";
            Require(i > 0 || tier.NotionalFloor == 0, $"{tierAt}.notionalFloor", "the first tier starts at 0");
            Require(i == 0 || tier.NotionalFloor > m.MarginTiers[i - 1].NotionalFloor, $"{tierAt}.notionalFloor", "floors must rise");
            Require(tier.InitialBps is > 0 and <= 10_000, $"{tierAt}.initialBps", "1 to 10000");
            Require(tier.MaintenanceBps > 0 && tier.MaintenanceBps < tier.InitialBps, $"{tierAt}.maintenanceBps", "positive and below initialBps");
        }
        var l = m.Liquidation;
        Require(l.FeeBps is >= 0 and <= 1_000, $"{at}.liquidation.feeBps", "0 to 1000");
        Require(l.SliceSize > 0 && l.SliceSize % m.LotSize == 0, $"{at}.liquidation.sliceSize", "a positive multiple of lotSize");
        Require(l.CooldownMs is >= 0 and <= 60_000, $"{at}.liquidation.cooldownMs", "0 to 60000");
        Require(l.FundLossCapBps is >= 0 and <= 10_000, $"{at}.liquidation.fundLossCapBps", "0 to 10000");
        Require(m.InsuranceFund >= 0, $"{at}.insuranceFund", "must not be negative");
        var o = m.Oracle;
        Require(o.Feeds is >= 1 and <= 16, $"{at}.oracle.feeds", "1 to 16");
        Require(o.MinFeeds >= 1 && o.MinFeeds <= o.Feeds, $"{at}.oracle.minFeeds", "1 to feeds");
        Require(o.StaleAfterMs is >= 100 and <= 3_600_000, $"{at}.oracle.staleAfterMs", "100 to 3600000");
        Require(o.MaxDeviationBps is >= 1 and <= 5_000, $"{at}.oracle.maxDeviationBps", "1 to 5000");
        if (m.Breaker is { } b)
        {
            Require(b.BandBps is >= 0 and <= 10_000, $"{at}.breaker.bandBps", "0 to 10000");
            Require(b.VelocityBps is >= 0 and <= 10_000, $"{at}.breaker.velocityBps", "0 to 10000");
            Require((b.VelocityBps == 0) == (b.VelocityWindowMs == 0), $"{at}.breaker.velocityWindowMs", "both velocity fields 0 or both positive");
            Require(b.PauseMs is null or (>= 1 and <= 86_400_000), $"{at}.breaker.pauseMs", "1 to 86400000");
            Require(b.EscalatedPauseMs is null || (b.EscalatedPauseMs >= (b.PauseMs ?? 1) && b.EscalatedPauseMs <= 86_400_000),
                $"{at}.breaker.escalatedPauseMs", "pauseMs to 86400000");
            Require(b.ExtensionMs is null or (>= 1 and <= 86_400_000), $"{at}.breaker.extensionMs", "1 to 86400000");
        }
        if (m.Following is { } f)
        {
            Require(f.ReopenAfterMs >= 0, $"{at}.following.reopenAfterMs", "must not be negative");
            Require(f.AuctionMs >= 0, $"{at}.following.auctionMs", "must not be negative");
            Require(f.MarkBandBps is >= 1 and <= 5_000, $"{at}.following.markBandBps", "1 to 5000");
            Require(f.ScalingCapBps is >= 10_000 and <= 100_000, $"{at}.following.scalingCapBps", "10000 (no scaling) to 100000");
        }
        Require(m.MakerFeeBps is >= -10_000 and <= 10_000, $"{at}.makerFeeBps", "-10000 to 10000");
        Require(m.TakerFeeBps is >= 0 and <= 10_000, $"{at}.takerFeeBps", "0 to 10000");
    }

    private static void ValidatePath(PathScenario p, string at)
    {
        Require(IndexPattern().IsMatch(p.Index), $"{at}.index", "1-32 of A-Z, 0-9 and '-'");
        Require(p.StepMs is >= 50 and <= 10_000, $"{at}.stepMs", "50 to 10000");
        var generated = p.Segments is not null || p.Start is not null;
        Require(generated != (p.Csv is not null), at, "either start and segments (a generated path) or csv, not both");
        if (p.Csv is not null)
        {
            Require(p.Speed is > 0 and <= 100_000, $"{at}.speed", "above 0 (1: as recorded)");
            return;
        }
        Require(p.Start is > 0, $"{at}.start", "a positive price");
        Require(p.Segments is { Count: > 0 }, $"{at}.segments", "at least one segment");
        for (var i = 0; i < p.Segments!.Count; i++)
        {
            var s = p.Segments[i];
            var segmentAt = $"{at}.segments[{i}]";
            Require(s.Kind is SegmentKind.Hold or SegmentKind.Move or SegmentKind.Gap or SegmentKind.V, $"{segmentAt}.kind", "hold, move, gap or v");
            Require(s.Kind == SegmentKind.Gap ? s.Seconds == 0 : s.Seconds > 0, $"{segmentAt}.seconds",
                s.Kind == SegmentKind.Gap ? "a gap takes no time (0)" : "must be positive");
            Require(s.Percent > -100 && s.Percent <= 1_000, $"{segmentAt}.percent", "above -100 and at most 1000");
            Require(s.Kind != SegmentKind.Hold || s.Percent == 0, $"{segmentAt}.percent", "a hold does not move (0)");
        }
    }

    private static void ValidatePopulation(Scenario s)
    {
        var makers = s.Population.Makers;
        Require(makers.AccountsPerMarket is >= 0 and <= 1_000, "population.makers.accountsPerMarket", "0 to 1000");
        Require(makers.Collateral > 0, "population.makers.collateral", "must be positive");
        Require(makers.Levels is >= 1 and <= 20, "population.makers.levels", "1 to 20 (one batch a side)");
        Require(makers.HalfSpreadBps is >= 1 and <= 5_000, "population.makers.halfSpreadBps", "1 to 5000");
        Require(makers.LevelSpacingBps is >= 1 and <= 5_000, "population.makers.levelSpacingBps", "1 to 5000");
        Require(makers.LevelNotional > 0, "population.makers.levelNotional", "must be positive");
        Require(makers.RefreshMs is >= 100 and <= 60_000, "population.makers.refreshMs", "100 to 60000");
        var w = makers.Withdrawal;
        Require(w.WindowMs is >= 100 and <= 600_000, "population.makers.withdrawal.windowMs", "100 to 600000");
        Require(w.WidenAtBps > 0 && w.WidenAtBps <= w.WithdrawAtBps, "population.makers.withdrawal.widenAtBps", "positive, at most withdrawAtBps");
        Require(w.WidenFactor >= 1, "population.makers.withdrawal.widenFactor", "at least 1");
        Require(w.DepthFactorWhenWide is > 0 and <= 1, "population.makers.withdrawal.depthFactorWhenWide", "above 0, at most 1");
        Require(w.ReturnAfterMs >= 0, "population.makers.withdrawal.returnAfterMs", "must not be negative");

        for (var i = 0; i < s.Population.Positions.Count; i++)
        {
            var g = s.Population.Positions[i];
            var at = $"population.positions[{i}]";
            var market = s.Markets.FirstOrDefault(m => m.Symbol == g.Market);
            Require(market is not null, $"{at}.market", $"{g.Market} is not among the markets");
            Require(g.Accounts is >= 1 and <= 1_000_000, $"{at}.accounts", "1 to 1000000");
            Require(g.Collateral > 0, $"{at}.collateral", "must be positive");
            Require(g.LeverageMin >= 1 && g.LeverageMin <= g.LeverageMax, $"{at}.leverageMin", "at least 1 and at most leverageMax");
            // Opening at leverage L needs an initial margin below 1/L, with room for the taker fee.
            var initialBps = market!.MarginTiers[0].InitialBps;
            Require(g.LeverageMax * initialBps <= 9_500, $"{at}.leverageMax",
                $"{market.Symbol}'s initial margin ({initialBps} bps) allows at most {9_500m / initialBps:0.##}x with room for fees");
            Require(g.Side is "long" or "short" or "both", $"{at}.side", "long, short or both");
            Require(g.Counterparties is >= 1 and <= 10_000, $"{at}.counterparties", "1 to 10000");
            Require(g.CounterpartyCollateral > 0, $"{at}.counterpartyCollateral", "must be positive");
        }

        var t = s.Population.Traders;
        Require(t.Accounts is >= 0 and <= 100_000, "population.traders.accounts", "0 to 100000");
        Require(t.Collateral > 0, "population.traders.collateral", "must be positive");
        Require(t.OrdersPerSecond is >= 0 and <= 1_000, "population.traders.ordersPerSecond", "0 to 1000");
        Require(t.CancelPercent is >= 0 and <= 100, "population.traders.cancelPercent", "0 to 100");
        Require(t.CrossPercent is >= 0 and <= 100, "population.traders.crossPercent", "0 to 100");
        Require(t.SpreadBps is >= 1 and <= 5_000, "population.traders.spreadBps", "1 to 5000");
        Require(t.OrderNotional > 0, "population.traders.orderNotional", "must be positive");
    }

    private static void ValidateFault(Scenario s, FaultScenario f, string at)
    {
        Require(FaultKinds.Contains(f.Kind), $"{at}.kind", $"one of {string.Join(", ", FaultKinds)}");
        Require(f.At >= 0 && f.At < s.DurationSeconds, $"{at}.at", "inside the run (0 to durationSeconds)");
        var lasting = f.Kind != FaultKind.SiloKill;
        Require(!lasting || f.Seconds > 0, $"{at}.seconds", "how long it lasts: must be positive");
        if (f.Kind is FaultKind.FeedLies or FaultKind.FeedsFreeze)
        {
            var market = s.Markets.FirstOrDefault(m => m.Index == f.Index);
            Require(market is not null, $"{at}.index", $"'{f.Index}' is not an index of the scenario's markets");
            var feeds = market!.Oracle.Feeds;
            Require(f.Feeds >= (f.Kind == FaultKind.FeedLies ? 1 : 0) && f.Feeds <= feeds, $"{at}.feeds",
                f.Kind == FaultKind.FeedLies ? $"1 to {feeds} (the index's feeds)" : $"0 (all) to {feeds}");
        }
        if (f.Kind == FaultKind.FeedLies) Require(f.Percent != 0 && f.Percent > -100, $"{at}.percent", "how far the feed lies: not 0, above -100");
        if (f.Kind == FaultKind.OrderBurst) Require(f.Factor is > 1 and <= 1_000, $"{at}.factor", "above 1, at most 1000");
        if (f.Market is not null) Require(s.Markets.Any(m => m.Symbol == f.Market), $"{at}.market", $"{f.Market} is not among the markets");
    }

    private static void ValidateExpectation(Scenario s, ExpectedVerdict e, string at)
    {
        Require(ScenarioVerdicts.Kinds.ContainsKey(e.Name), $"{at}.name", $"one of {string.Join(", ", ScenarioVerdicts.Kinds.Keys)}");
        var needs = ScenarioVerdicts.Kinds[e.Name];
        if (needs.HasFlag(VerdictNeeds.Market))
            Require(e.Market is not null && s.Markets.Any(m => m.Symbol == e.Market), $"{at}.market", "a market of the scenario");
        if (needs.HasFlag(VerdictNeeds.Markets))
            Require(e.Markets is { Count: > 0 } list && list.All(x => s.Markets.Any(m => m.Symbol == x)), $"{at}.markets", "markets of the scenario");
        if (needs.HasFlag(VerdictNeeds.Index))
            Require(e.Index is not null && s.Markets.Any(m => m.Index == e.Index), $"{at}.index", "an index of the scenario");
        if (needs.HasFlag(VerdictNeeds.Max)) Require(e.Max is >= 0, $"{at}.max", "required, not negative");
        if (needs.HasFlag(VerdictNeeds.Min)) Require(e.Min is >= 0, $"{at}.min", "required, not negative");
    }

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition) throw new ScenarioException(field, problem);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z0-9]+(-[A-Z0-9]+)*$")]
    private static partial Regex SymbolPattern();

    [GeneratedRegex("^[A-Z0-9-]{1,32}$")]
    private static partial Regex IndexPattern();
}

public static class FaultKind
{
    public const string FeedLies = "feed-lies", FeedsFreeze = "feeds-freeze", MakersCancelAll = "makers-cancel-all",
        OrderBurst = "order-burst", SiloKill = "silo-kill", SiloFreeze = "silo-freeze", DatabaseStop = "database-stop";
}

public static class SegmentKind
{
    public const string Hold = "hold", Move = "move", Gap = "gap", V = "v";
}

[Flags]
public enum VerdictNeeds
{
    None = 0,
    Market = 1,
    Markets = 2,
    Index = 4,
    Min = 8,
    Max = 16,
}

/// <summary>The scenario-specific verdicts a file may expect, and what each needs.</summary>
public static class ScenarioVerdicts
{
    public const string BreakerTripped = "breaker-tripped", BreakerReopened = "breaker-reopened", IndexWentStale = "index-went-stale",
        IndexIgnoredLiar = "index-ignored-liar", AccountsLiquidated = "accounts-liquidated",
        LiquidationsHandledWithin = "liquidations-handled-within-ms", AdlUsed = "adl-used", FundWithinCap = "fund-within-cap",
        OtherMarketsUntouched = "other-markets-untouched", CancelsPassInBurst = "cancels-pass-in-burst",
        MakersWithdrew = "makers-withdrew";

    public static readonly IReadOnlyDictionary<string, VerdictNeeds> Kinds = new Dictionary<string, VerdictNeeds>(StringComparer.Ordinal)
    {
        [BreakerTripped] = VerdictNeeds.Market,
        [BreakerReopened] = VerdictNeeds.Market,
        [IndexWentStale] = VerdictNeeds.Market,
        [IndexIgnoredLiar] = VerdictNeeds.Index | VerdictNeeds.Max,
        [AccountsLiquidated] = VerdictNeeds.Min,
        [LiquidationsHandledWithin] = VerdictNeeds.Max,
        [AdlUsed] = VerdictNeeds.Market,
        [FundWithinCap] = VerdictNeeds.Market,
        [OtherMarketsUntouched] = VerdictNeeds.Markets,
        [CancelsPassInBurst] = VerdictNeeds.None,
        [MakersWithdrew] = VerdictNeeds.None,
    };
}
