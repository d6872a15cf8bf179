namespace Exchange.Pricing;

/// <summary>
/// The factors (basis points of 1: 10_000 is x1) by which a market's margin rates are multiplied for volatility:
/// initial margin (what new exposure needs) and maintenance margin (what liquidation is judged by).
/// </summary>
[GenerateSerializer, Immutable, Alias("MarginMultipliers")]
public readonly record struct MarginMultipliers(int InitialBps, int MaintenanceBps)
{
    public static MarginMultipliers One { get; } = new(10_000, 10_000);
}

/// <summary>
/// How margin follows volatility (<see cref="MarginScaling"/>): maintenance margin should cover
/// <see cref="SigmaMultipleBps"/> (k) horizon sigmas; factors move in steps of <see cref="StepBps"/> up to
/// <see cref="CapBps"/>; relaxing initial margin, and moving maintenance margin, go at most
/// <see cref="MaxMaintenanceStepBps"/> per <see cref="IntervalMs"/>. Default: k = 3 (about 99.9% of a normal
/// move over the horizon; 2.33 is the 99% of RiskMetrics, and crypto tails are fat), at most x5 (from 10x to 2x
/// leverage on the default schedule), steps of 0.05, and 0.1 per minute (x5 is reached from x1 in 40 minutes, so a
/// spike never liquidates accounts by itself before they can react). <see cref="Off"/> caps the factors at x1.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarginScalingPolicy")]
public sealed record MarginScalingPolicy(int SigmaMultipleBps, int CapBps, int StepBps, int MaxMaintenanceStepBps, long IntervalMs)
{
    public static MarginScalingPolicy Default { get; } = new(30_000, 50_000, 500, 1_000, 60_000);
    public static MarginScalingPolicy Off { get; } = new(30_000, 10_000, 500, 1_000, 60_000);

    public string? Problem()
    {
        if (SigmaMultipleBps is < 0 or > 1_000_000) return "sigmaMultipleBps must be 0 to 1000000";
        if (CapBps is < 10_000 or > 100_000) return "capBps must be 10000 to 100000";
        if (StepBps is < 1 or > 10_000) return "stepBps must be 1 to 10000";
        if (MaxMaintenanceStepBps is < 1 or > 100_000) return "maxMaintenanceStepBps must be 1 to 100000";
        if (IntervalMs is < 1_000 or > 86_400_000) return "intervalMs must be 1000 to 86400000";
        return null;
    }
}
