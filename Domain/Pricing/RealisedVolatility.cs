namespace Exchange.Pricing;

/// <summary>
/// Realised volatility of an index as an exponentially weighted average of squared simple returns sampled at fixed
/// intervals (RiskMetrics): var' = lambda x var + (1 - lambda) x r^2, everything in integers (returns in ppm,
/// lambda in ppm, variance in ppm^2, each step rounded half to even), so the same price path always gives the same
/// state. Rules:
/// <list type="bullet">
/// <item>The first price starts the measurement: the interval is aligned down to a multiple of the interval length.</item>
/// <item>Prices within an interval are ignored; the first price at or after its end closes it with one return from
/// the price that opened it, and opens the interval it falls in.</item>
/// <item>Intervals that passed with no price count as one return (the whole move across the gap): inventing zero
/// returns for them would read a feed outage as calm and lower margin exactly when we know least.</item>
/// <item>The first return seeds the variance with its own square (the usual start of the average); starting from
/// zero instead would still understate sigma by about a third after ten returns.</item>
/// <item>A return is capped at +-10^9 ppm (a thousandfold move), which keeps r^2 and the variance exact in range.</item>
/// </list>
/// </summary>
public static class RealisedVolatility
{
    /// <summary>Below this many returns the horizon sigma is unknown (-1).</summary>
    public const int MinSamples = 10;

    private const long Ppm = 1_000_000;
    private const long MaxReturnPpm = 1_000_000_000;

    public static VolatilityState Observe(VolatilityPolicy policy, VolatilityState state, long price, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(price);
        var intervalStart = timestamp - Modulo(timestamp, policy.IntervalMs);
        if (state.LastPrice <= 0) return new VolatilityState(intervalStart, price, 0, 0);
        if (timestamp < state.IntervalStart + policy.IntervalMs) return state;

        var r = Int128.Clamp(ExactMath.DivideHalfEven(((Int128)price - state.LastPrice) * Ppm, state.LastPrice), -MaxReturnPpm, MaxReturnPpm);
        var variance = state.Samples == 0 ? r * r
            : ExactMath.DivideHalfEven(policy.LambdaPpm * (Int128)state.VariancePpm2 + (Ppm - policy.LambdaPpm) * r * r, Ppm);
        var samples = state.Samples == int.MaxValue ? int.MaxValue : state.Samples + 1;
        return new VolatilityState(intervalStart, price, (long)variance, samples);
    }

    /// <summary>The standard deviation of one interval's return, in ppm (rounded down).</summary>
    public static long SigmaPpm(VolatilityState state) => (long)ExactMath.SquareRoot(state.VariancePpm2);

    /// <summary>
    /// Sigma over <see cref="VolatilityPolicy.HorizonIntervals"/> intervals (sqrt of var x h), in ppm; -1 (unknown)
    /// before <see cref="MinSamples"/> returns, so that after an oracle restart the markets keep their margin
    /// multipliers rather than relax them on a handful of calm minutes.
    /// </summary>
    public static long HorizonSigmaPpm(VolatilityPolicy policy, VolatilityState state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return state.Samples < MinSamples ? -1 : (long)ExactMath.SquareRoot((Int128)state.VariancePpm2 * policy.HorizonIntervals);
    }

    private static long Modulo(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}
