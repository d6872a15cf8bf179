using Exchange.Matching;

namespace Exchange.Pricing;

/// <summary>
/// Margin that follows volatility: a target factor from the horizon sigma, the factors' step towards it over
/// time, and a schedule scaled by them. Scaling only ever raises margin above what the operator set (factors are
/// at least x1): volatility can ask for more margin, never for less than the operator's floor.
/// </summary>
public static class MarginScaling
{
    /// <summary>
    /// The factor at which maintenance margin covers k horizon sigmas: k x sigma / base maintenance rate, in bps of
    /// 1 = SigmaMultipleBps x sigmaPpm / (baseMaintenanceBps x 100), rounded up to a multiple of StepBps (so small
    /// wobbles of sigma do not change the schedule every interval), within [x1, CapBps].
    /// E.g. k 3, sigma 1% (10_000 ppm), base maintenance 50 bps: 60_000 (x6), capped at 50_000 by default.
    /// </summary>
    public static int Target(MarginScalingPolicy policy, long horizonSigmaPpm, int baseMaintenanceBps)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(horizonSigmaPpm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baseMaintenanceBps);
        var steps = ExactMath.DivideUp((Int128)policy.SigmaMultipleBps * horizonSigmaPpm, (Int128)baseMaintenanceBps * 100 * policy.StepBps);
        return (int)Int128.Clamp(steps * policy.StepBps, 10_000, policy.CapBps);
    }

    /// <summary>
    /// The factors one step towards <paramref name="target"/> (held within [x1, CapBps]): initial margin rises to
    /// it at once, so new exposure meets the higher bar immediately; initial margin falls, and maintenance margin
    /// moves either way, by at most MaxMaintenanceStepBps per whole IntervalMs since <paramref name="since"/>, so a
    /// spike in volatility never liquidates a market by itself and calm returns slowly. Maintenance is never above
    /// initial; both are at least x1. The caller sets since = now whenever the result differs from current.
    /// </summary>
    public static MarginMultipliers Step(MarginScalingPolicy policy, MarginMultipliers current, long since, long now, int target)
    {
        ArgumentNullException.ThrowIfNull(policy);
        target = Math.Clamp(target, 10_000, policy.CapBps);
        var intervals = Math.Max(0, now - since) / policy.IntervalMs;
        var allowed = (long)Int128.Min((Int128)intervals * policy.MaxMaintenanceStepBps, int.MaxValue);
        var initial = target >= current.InitialBps ? target : (int)Math.Max(target, current.InitialBps - allowed);
        var maintenance = (int)Math.Clamp(target, current.MaintenanceBps - allowed, current.MaintenanceBps + allowed);
        return new MarginMultipliers(Math.Max(initial, 10_000), Math.Max(Math.Min(maintenance, initial), 10_000));
    }

    /// <summary>
    /// The schedule in force: the same fees and floors; each tier's initial rate times the initial factor, rounded up,
    /// at most 100%; its maintenance rate times the maintenance factor, rounded up, at most the scaled initial rate.
    /// With <see cref="MarginMultipliers.One"/> the schedule comes back equal.
    /// </summary>
    public static MarketRisk Scale(MarketRisk baseRisk, MarginMultipliers multipliers)
    {
        ArgumentNullException.ThrowIfNull(baseRisk);
        if (multipliers.InitialBps < 10_000 || multipliers.MaintenanceBps < 10_000)
            throw new ArgumentOutOfRangeException(nameof(multipliers), "margin multipliers are at least 10000 bps (x1)");
        var tiers = baseRisk.Tiers.Select(t =>
        {
            var initial = (int)Int128.Min(ExactMath.DivideUp((Int128)t.InitialBps * multipliers.InitialBps, 10_000), 10_000);
            var maintenance = (int)Int128.Min(ExactMath.DivideUp((Int128)t.MaintenanceBps * multipliers.MaintenanceBps, 10_000), initial);
            return t with { InitialBps = initial, MaintenanceBps = maintenance };
        }).ToArray();
        return baseRisk with { Tiers = tiers };
    }
}
