using Exchange.Stress.Results;

namespace Exchange.Tests.Stress;

/// <summary>
/// A run written by hand, as the runner would record it, so the report can be tested without running a scenario: two
/// markets over 120 s; BTC-PERP's index falls 20% from second 20 to 80, its breaker pauses it twice (the second time
/// until the run ends) and it reopens once by auction; ETH-PERP is halted 5 s while its index is stale; 37 accounts are
/// liquidated in 38 steps (30 book, 5 fund, 2 ADL, 1 bad debt; the last two steps are one account's); the BTC-PERP
/// fund loses 1,234 of its 2,000 cap; order latency spikes and cancels are refused during a fault; and the audit is off
/// by 5 (a failing verdict).
/// </summary>
internal static class SampleStressResult
{
    public static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    public const string FaultText = "feed BTC-USD.sim-1 lies +30% & freezes <all>";

    public static StressResult Crash() => new(
        new ScenarioInfo("flash-crash-test", "BTC falls 20% in 60 s while a feed lies; ETH's index goes stale for 5 s.",
            "stress/scenarios/flash-crash-test.json", ["BTC-PERP", "ETH-PERP"]),
        new RunInfo(Start, Start.AddSeconds(120), "local", "2 cores, Linux 6.1, .NET 10.0.1", 42, 850),
        new StressSeries(Prices(), Breakers(), Liquidations(), Funds(), OpenInterest(), BadDebt(), Latency(), Cancels()),
        [
            new TimelineMark(20_000, "phase", "crash starts"),
            new TimelineMark(40_000, "fault", FaultText),
            new TimelineMark(70_000, "recovered", "feed honest again"),
        ],
        new StressSummary(1_000, 12_345, 11_900, 420, 25, 3_000, 12, 37, 350, 1_200, 1_850, 1_234m, 1_500.5m, 1_400m, 150m, 2,
            [new FaultOutage("kill silo", 50_000, 3_200)]),
        [
            new Verdict("acknowledged-orders-lost", "0", "0", true, "every acknowledged order was found"),
            new Verdict("money-difference", "5", "0", false, "the audit's difference after the run"),
            new Verdict("positions-net", "0", "0", true, "both markets"),
            new Verdict("unpaid-negative-equity", "0", "0", true, ""),
            new Verdict("adl-minimal", "1500.5 <= 1400 + one lot", "ADL volume <= shortfall", true, ""),
            new Verdict("breaker-tripped", "2", ">= 1", true, "BTC-PERP"),
        ]);

    /// <summary>No observations at all: one market named, nothing seen, nothing checked.</summary>
    public static StressResult Empty() => new(
        new ScenarioInfo("quiet", "Nothing happens.", "stress/scenarios/quiet.json", ["BTC-PERP"]),
        new RunInfo(Start, Start.AddSeconds(10), "url", "2 cores", 1, 10),
        new StressSeries([], [], [], [], [], [], [], []),
        [],
        new StressSummary(0, 0, 0, 0, 0, 0, 0, 0, null, null, null, 0m, 0m, 0m, 0m, 0, []),
        []);

    private static List<PricePoint> Prices()
    {
        var prices = new List<PricePoint>();
        for (long t = 0; t <= 120_000; t += 500)
        {
            // 64,000 until second 20, down 20% in a straight line to 51,200 at second 80, flat after.
            var btc = 64_000m - 12_800m * Math.Clamp(t - 20_000, 0, 60_000) / 60_000;
            var paused = t is >= 45_000 and < 60_000 or >= 100_000;
            prices.Add(new PricePoint(t, "BTC-PERP", btc, btc + 20m, paused ? null : btc - 15m, btc * 0.95m, btc * 1.05m));
            var stale = t is >= 30_000 and < 35_000;
            prices.Add(new PricePoint(t, "ETH-PERP", stale ? null : 3_200m, 3_201m, 3_199.5m, null, null));
        }
        return prices;
    }

    private static List<BreakerInterval> Breakers() =>
    [
        new("ETH-PERP", 30_000, 35_000, "halted", "index-stale", null),
        new("BTC-PERP", 45_000, 55_000, "paused", "band", null),
        new("BTC-PERP", 55_000, 60_000, "reopening", "band", 57_100m),
        new("BTC-PERP", 100_000, null, "paused", "velocity", null),
    ];

    private static List<LiquidationPoint> Liquidations()
    {
        var steps = new List<LiquidationPoint>();
        void Add(int count, string outcome, long from, long handledAfter)
        {
            for (var i = 0; i < count; i++)
            {
                var t = from + i * 700;
                steps.Add(new LiquidationPoint(t, "BTC-PERP", $"acct-{Math.Min(steps.Count + 1, 37)}", "sell", 0.5m, 56_000m - i, outcome,
                    i == 0 && outcome == "book" ? null : handledAfter + i * 40, outcome == "adl" ? 700m : null));
            }
        }
        Add(30, "book", 41_000, 120);
        Add(5, "fund", 62_000, 900);
        Add(2, "adl", 66_000, 1_500);
        Add(1, "bad-debt", 70_000, 1_850);
        return steps.OrderBy(s => s.T).ToList();
    }

    private static List<FundPoint> Funds() =>
    [
        new(0, "BTC-PERP", 10_000m, 2_000m), new(62_000, "BTC-PERP", 9_500m, 2_000m), new(66_000, "BTC-PERP", 8_766m, 2_000m),
        new(120_000, "BTC-PERP", 8_766m, 2_000m),
        new(0, "ETH-PERP", 5_000m, null), new(120_000, "ETH-PERP", 5_000m, null),
    ];

    private static List<OpenInterestPoint> OpenInterest() =>
    [
        new(0, "BTC-PERP", 120m), new(41_000, "BTC-PERP", 118m), new(70_000, "BTC-PERP", 100.5m), new(120_000, "BTC-PERP", 100.5m),
        new(0, "ETH-PERP", 900m), new(120_000, "ETH-PERP", 900m),
    ];

    private static List<BadDebtPoint> BadDebt() => [new(0, 0m), new(70_000, 150m), new(120_000, 150m)];

    private static List<LatencySecond> Latency() => Enumerable.Range(0, 120)
        .Where(s => s is < 50 or > 52) // the silo was down: nothing answered
        .Select(s => s is >= 40 and < 46 ? new LatencySecond(s, 80, 45, 900, 1_400) : new LatencySecond(s, 100, 4.5, 18, 30))
        .ToList();

    private static List<CancelSecond> Cancels() => Enumerable.Range(0, 120)
        .Select(s => new CancelSecond(s, 25, s is >= 40 and < 46 ? 2 : 0))
        .ToList();
}
