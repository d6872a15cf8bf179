namespace Exchange.Pricing;

/// <summary>
/// How an index's realised volatility is measured: one return per <see cref="IntervalMs"/>, averaged with the
/// weight <see cref="LambdaPpm"/> on the past (parts per million), and scaled to a horizon of
/// <see cref="HorizonIntervals"/> intervals for margin. Default: 1-minute returns, lambda 0.94 (RiskMetrics; on
/// minute returns an effective window of about 17 minutes, short enough to see a crash while it happens), horizon
/// 60 minutes (the time we allow ourselves to close a large position in slices).
/// </summary>
[GenerateSerializer, Immutable, Alias("VolatilityPolicy")]
public sealed record VolatilityPolicy(long IntervalMs, int LambdaPpm, int HorizonIntervals)
{
    public static VolatilityPolicy Default { get; } = new(60_000, 940_000, 60);

    public string? Problem()
    {
        if (IntervalMs is < 1_000 or > 86_400_000) return "intervalMs must be 1000 to 86400000";
        if (LambdaPpm is < 1 or > 999_999) return "lambdaPpm must be 1 to 999999";
        if (HorizonIntervals is < 1 or > 100_000) return "horizonIntervals must be 1 to 100000";
        return null;
    }
}

/// <summary>
/// Where a volatility measurement stands: the start of the current interval (Unix ms, aligned to the interval),
/// the price at its start (0: nothing seen yet), the variance of one interval's return in ppm squared (a sigma of
/// 1% is 10_000 ppm, a variance of 10^8), and how many returns went into it.
/// </summary>
[GenerateSerializer, Immutable, Alias("VolatilityState")]
public readonly record struct VolatilityState(long IntervalStart, long LastPrice, long VariancePpm2, int Samples);
