using CsCheck;
using Exchange.Matching;
using Exchange.Pricing;

namespace Exchange.Tests.Pricing;

public sealed class MarginScalingTests
{
    private static readonly MarginScalingPolicy Policy = MarginScalingPolicy.Default; // k 3, cap x5, steps 0.05, 0.1 per minute

    [Theory]
    [InlineData(10_000, 50, 100_000, 60_000)] // 3 x 1% / 0.5% = x6
    [InlineData(10_000, 50, 50_000, 50_000)]  // capped at the default x5
    [InlineData(10_001, 50, 100_000, 60_500)] // x6.0006 rounded up to the next 0.05
    [InlineData(1_000, 50, 50_000, 10_000)]   // x0.6: never below x1
    [InlineData(0, 50, 50_000, 10_000)]
    [InlineData(5_000, 100, 50_000, 15_000)]  // 3 x 0.5% / 1% = x1.5
    public void Target_covers_k_horizon_sigmas_by_hand(long sigmaPpm, int baseMaintenanceBps, int capBps, int expected) =>
        Assert.Equal(expected, MarginScaling.Target(Policy with { CapBps = capBps }, sigmaPpm, baseMaintenanceBps));

    [Fact]
    public void Target_with_scaling_off_is_always_one() =>
        Assert.Equal(10_000, MarginScaling.Target(MarginScalingPolicy.Off, 1_000_000, 1));

    [Fact]
    public void Initial_rises_at_once_and_maintenance_follows_one_step_per_interval()
    {
        var one = MarginMultipliers.One;
        Assert.Equal(new MarginMultipliers(50_000, 10_000), MarginScaling.Step(Policy, one, since: 0, now: 0, target: 50_000));
        Assert.Equal(new MarginMultipliers(50_000, 10_000), MarginScaling.Step(Policy, new(50_000, 10_000), 0, 59_999, 50_000));
        Assert.Equal(new MarginMultipliers(50_000, 11_000), MarginScaling.Step(Policy, new(50_000, 10_000), 0, 60_000, 50_000));
        Assert.Equal(new MarginMultipliers(50_000, 13_000), MarginScaling.Step(Policy, new(50_000, 10_000), 0, 180_000, 50_000));
        Assert.Equal(new MarginMultipliers(50_000, 50_000), MarginScaling.Step(Policy, new(50_000, 45_000), 0, 3_600_000, 50_000));
    }

    [Fact]
    public void Both_fall_one_step_per_interval_and_meet_in_between()
    {
        Assert.Equal(new MarginMultipliers(48_000, 48_000), MarginScaling.Step(Policy, new(50_000, 50_000), 0, 150_000, 10_000));
        // Target between: initial falls to it step by step, maintenance rises towards it.
        Assert.Equal(new MarginMultipliers(49_000, 31_000), MarginScaling.Step(Policy, new(50_000, 30_000), 0, 60_000, 40_000));
        Assert.Equal(new MarginMultipliers(40_000, 40_000), MarginScaling.Step(Policy, new(50_000, 30_000), 0, 3_600_000, 40_000));
        // A target above the cap is held at the cap; one below x1 at x1.
        Assert.Equal(new MarginMultipliers(50_000, 10_000), MarginScaling.Step(Policy, MarginMultipliers.One, 0, 0, 90_000));
        Assert.Equal(MarginMultipliers.One, MarginScaling.Step(Policy, new(11_000, 11_000), 0, 60_000, 0));
    }

    [Fact]
    public void Step_never_moves_maintenance_more_than_allowed_and_keeps_it_under_initial()
    {
        var policies = Gen.Select(Gen.Int[10_000, 100_000], Gen.Int[1, 10_000], Gen.Int[1, 100_000], Gen.Long[1_000, 86_400_000],
            (cap, step, maxStep, interval) => new MarginScalingPolicy(30_000, cap, step, maxStep, interval));
        var cases = policies.SelectMany(p => Gen.Select(Gen.Int[10_000, p.CapBps], Gen.Int[10_000, p.CapBps], Gen.Long[0, 1L << 40], Gen.Long[0, 1L << 40], Gen.Int[0, 200_000],
            (a, b, since, now, target) => (p, new MarginMultipliers(Math.Max(a, b), Math.Min(a, b)), since, now, target)));
        cases.Sample(c =>
        {
            var (policy, current, since, now, target) = c;
            var next = MarginScaling.Step(policy, current, since, now, target);
            var held = Math.Clamp(target, 10_000, policy.CapBps);
            var allowed = (Int128)(Math.Max(0, now - since) / policy.IntervalMs) * policy.MaxMaintenanceStepBps;
            Assert.True(Int128.Abs(next.MaintenanceBps - current.MaintenanceBps) <= allowed, $"{current} -> {next}");
            Assert.InRange(next.MaintenanceBps, Math.Min(current.MaintenanceBps, held), Math.Max(current.MaintenanceBps, held)); // towards, never past
            Assert.InRange(next.MaintenanceBps, 10_000, next.InitialBps);
            if (held >= current.InitialBps) Assert.Equal(held, next.InitialBps);
            else Assert.True(next.InitialBps >= held && current.InitialBps - next.InitialBps <= allowed, $"{current} -> {next}");
        }, iter: 20_000);
    }

    [Fact]
    public void Scale_multiplies_each_tier_rounding_up_within_the_limits()
    {
        var scaled = MarginScaling.Scale(MarketRisk.Default, new MarginMultipliers(20_000, 15_000));
        Assert.Equal(MarketRisk.Default with
        {
            Tiers = [new(0, 2_000, 750), new(1_000_000_000_000, 4_000, 1_500), new(5_000_000_000_000, 10_000, 3_750)],
        }, scaled);

        var capped = MarginScaling.Scale(MarketRisk.Default, new MarginMultipliers(50_000, 50_000));
        Assert.Equal([new(0, 5_000, 2_500), new(1_000_000_000_000, 10_000, 5_000), new(5_000_000_000_000, 10_000, 10_000)], capped.Tiers);

        var odd = MarginScaling.Scale(new MarketRisk(-1, 3, [new MarginTier(0, 333, 111)]), new MarginMultipliers(15_000, 10_001));
        Assert.Equal(new MarketRisk(-1, 3, [new MarginTier(0, 500, 112)]), odd); // 499.5 -> 500, 111.0111 -> 112
    }

    [Fact]
    public void Scale_by_one_gives_back_an_equal_schedule() =>
        Assert.Equal(MarketRisk.Default, MarginScaling.Scale(MarketRisk.Default, MarginMultipliers.One));

    [Fact]
    public void Scale_never_lowers_a_rate_and_keeps_a_valid_schedule()
    {
        var schedules = Gen.Select(Gen.Long[1, 1L << 40], Gen.Int[1, 10_000], Gen.Int[1, 10_000]).Array[1, 5].Select(raw =>
        {
            long floor = 0;
            return new MarketRisk(2, 5, [.. raw.Select((r, i) =>
            {
                if (i > 0) floor += r.Item1;
                return new MarginTier(floor, Math.Max(r.Item2, r.Item3), Math.Min(r.Item2, r.Item3));
            })]);
        });
        var multipliers = Gen.Select(Gen.Int[10_000, 100_000], Gen.Int[10_000, 100_000], (a, b) => new MarginMultipliers(a, b));
        Gen.Select(schedules, multipliers).Sample((risk, m) =>
        {
            var scaled = MarginScaling.Scale(risk, m);
            Assert.Null(scaled.Problem());
            Assert.Equal((risk.MakerFeeBps, risk.TakerFeeBps), (scaled.MakerFeeBps, scaled.TakerFeeBps));
            Assert.Equal(risk.Tiers.Length, scaled.Tiers.Length);
            for (var i = 0; i < risk.Tiers.Length; i++)
            {
                var (before, after) = (risk.Tiers[i], scaled.Tiers[i]);
                Assert.Equal(before.NotionalFloor, after.NotionalFloor);
                Assert.True(after.InitialBps >= before.InitialBps && after.MaintenanceBps >= before.MaintenanceBps, $"{before} -> {after}");
                Assert.True(after.MaintenanceBps <= after.InitialBps);
            }
        }, iter: 5_000);
    }
}
