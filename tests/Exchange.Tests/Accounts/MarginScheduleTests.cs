using System.Numerics;
using CsCheck;
using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

public sealed class MarginScheduleTests
{
    /// <summary>
    /// The published form (RISK-REFERENCE, margin): margin = notional x rate_n - deduction_n for the tier n whose
    /// floor the notional has reached, deduction_0 = 0 and deduction_n = deduction_{n-1} + floor_n x (rate_n -
    /// rate_{n-1}). Evaluated exactly (rates in bps, so everything is scaled by 10000) and rounded up once.
    /// </summary>
    private static BigInteger Published(MarginTier[] tiers, long notional, bool initial)
    {
        static int Rate(MarginTier t, bool initial) => initial ? t.InitialBps : t.MaintenanceBps;
        BigInteger deduction = 0;
        var n = 0;
        for (var i = 1; i < tiers.Length && tiers[i].NotionalFloor <= notional; i++)
        {
            deduction += (BigInteger)tiers[i].NotionalFloor * (Rate(tiers[i], initial) - Rate(tiers[i - 1], initial));
            n = i;
        }
        var scaled = (BigInteger)notional * Rate(tiers[n], initial) - deduction;
        Assert.True(scaled >= 0, "the published formula went negative");
        return CeilDiv(scaled, 10_000);
    }

    private static readonly Gen<long> Gap = Gen.Frequency(
        (3, Gen.Long[1, 1_000]), (3, Gen.Long[1, 1L << 40]), (1, Gen.Long[1, 1L << 60]));

    /// <summary>Random valid schedules: 1-5 tiers from 0, ascending floors, 0 &lt; maintenance &lt;= initial &lt;= 10000.</summary>
    private static readonly Gen<MarketRisk> Schedules =
        Gen.Select(Gap, Gen.Int[1, 10_000], Gen.Int[1, 10_000]).Array[1, 5].Select(raw =>
        {
            var tiers = new MarginTier[raw.Length];
            long floor = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                if (i > 0) floor += raw[i].Item1;
                var (a, b) = (raw[i].Item2, raw[i].Item3);
                tiers[i] = new MarginTier(floor, Math.Max(a, b), Math.Min(a, b));
            }
            return new MarketRisk(2, 5, tiers);
        });

    /// <summary>A schedule and a notional that is often at or next to one of its tier floors.</summary>
    private static readonly Gen<(MarketRisk Risk, long Notional)> SchedulesAndNotionals = Schedules.SelectMany(risk =>
    {
        var floors = risk.Tiers.Select(t => t.NotionalFloor).ToArray();
        var top = floors[^1];
        var near = Gen.Select(Gen.Int[0, floors.Length - 1], Gen.Long[-3, 3], (i, d) => Math.Max(floors[i] + d, 0));
        var within = Gen.Long[0, top >= long.MaxValue / 2 - 1 ? long.MaxValue - 1 : top * 2 + 10];
        var any = Gen.Long[0, long.MaxValue - 1];
        return Gen.Frequency((3, near), (3, within), (1, any)).Select(n => (risk, n));
    });

    [Fact]
    public void Generated_schedules_are_valid() =>
        Schedules.Sample(risk => Assert.Null(risk.Problem()), iter: 500);

    [Fact]
    public void Margin_equals_the_published_deduction_formula_rounded_up()
    {
        SchedulesAndNotionals.Sample((risk, notional) =>
        {
            Assert.Equal(Published(risk.Tiers, notional, initial: true), (BigInteger)MarginSchedule.Initial(risk, notional));
            Assert.Equal(Published(risk.Tiers, notional, initial: false), (BigInteger)MarginSchedule.Maintenance(risk, notional));
        }, iter: 5_000);
    }

    [Fact]
    public void Margin_does_not_jump_at_tier_edges_or_anywhere_else()
    {
        // One more micro-USD of notional adds at most rate/10000 of margin, i.e. at most one unit (after rounding
        // up) because no rate exceeds 10000 bps; and never less than zero.
        SchedulesAndNotionals.Sample((risk, notional) =>
        {
            var maxStep = (long)CeilDiv(risk.Tiers.Max(t => t.InitialBps), 10_000);
            foreach (var margin in new Func<MarketRisk, long, long>[] { MarginSchedule.Initial, MarginSchedule.Maintenance })
            {
                var step = margin(risk, notional + 1) - margin(risk, notional);
                Assert.InRange(step, 0, maxStep);
            }
        }, iter: 5_000);

        Schedules.Sample(risk =>
        {
            foreach (var floor in risk.Tiers.Skip(1).Select(t => t.NotionalFloor))
            foreach (var margin in new Func<MarketRisk, long, long>[] { MarginSchedule.Initial, MarginSchedule.Maintenance })
            {
                var (below, at, above) = (margin(risk, floor - 1), margin(risk, floor), margin(risk, floor + 1));
                Assert.InRange(at - below, 0, 1);
                Assert.InRange(above - at, 0, 1);
            }
        }, iter: 1_000);
    }

    [Fact]
    public void Margin_never_decreases_with_notional_and_maintenance_never_exceeds_initial()
    {
        Gen.Select(SchedulesAndNotionals, Gen.Long[0, long.MaxValue], Gen.Int[0, 2]).Sample((pair, other, how) =>
        {
            var (risk, x) = pair;
            var y = how switch
            {
                0 => other,                                           // anywhere
                1 => x + other % (long.MaxValue - x),                 // anywhere above
                _ => x + other % Math.Min(1_000, long.MaxValue - x),  // just above
            };
            var (lo, hi) = (Math.Min(x, y), Math.Max(x, y));
            Assert.True(MarginSchedule.Initial(risk, lo) <= MarginSchedule.Initial(risk, hi));
            Assert.True(MarginSchedule.Maintenance(risk, lo) <= MarginSchedule.Maintenance(risk, hi));
            Assert.True(MarginSchedule.Maintenance(risk, x) <= MarginSchedule.Initial(risk, x));
            Assert.True(MarginSchedule.Initial(risk, x) <= x);
        }, iter: 5_000);
    }

    [Theory]
    // Tier 1 (below 1,000,000 USD = 1e12 micro-USD): 10% initial, 5% maintenance, rounded up.
    [InlineData(0, 0, 0)]
    [InlineData(1, 1, 1)]
    [InlineData(10, 1, 1)]
    [InlineData(11, 2, 1)]
    [InlineData(20, 2, 1)]
    [InlineData(21, 3, 2)]
    [InlineData(1_000_000, 100_000, 50_000)]                          // 1 USD: 0.10 / 0.05 USD
    [InlineData(999_999_999_999, 100_000_000_000, 50_000_000_000)]    // 99,999,999,999.9 -> up
    [InlineData(1_000_000_000_000, 100_000_000_000, 50_000_000_000)]  // exactly the first edge
    // Tier 2 (1M..5M USD): 20% / 10% on the part above 1M. 1e12 + 1: 1e11 + 0.2 -> +1, 5e10 + 0.1 -> +1.
    [InlineData(1_000_000_000_001, 100_000_000_001, 50_000_000_001)]
    // 2M USD: IM 100k + 200k = 300k USD; MM 2M x 10% - deduction 1M x (10% - 5%) = 150k USD.
    [InlineData(2_000_000_000_000, 300_000_000_000, 150_000_000_000)]
    [InlineData(5_000_000_000_000, 900_000_000_000, 450_000_000_000)]
    // Tier 3 (above 5M USD): 50% / 25%. 6M USD: IM 100k + 800k + 500k = 1.4M; MM 6M x 25% - (50k + 5M x 15%) = 700k.
    [InlineData(6_000_000_000_000, 1_400_000_000_000, 700_000_000_000)]
    public void Default_schedule_by_hand(long notional, long initial, long maintenance)
    {
        Assert.Equal(initial, MarginSchedule.Initial(MarketRisk.Default, notional));
        Assert.Equal(maintenance, MarginSchedule.Maintenance(MarketRisk.Default, notional));
    }

    [Fact]
    public void Negative_notional_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MarginSchedule.Initial(MarketRisk.Default, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarginSchedule.Maintenance(MarketRisk.Default, -1));
    }
}
