using Exchange.Pricing;

namespace Exchange.Tests.Pricing;

/// <summary>Each policy's bounds, at and just past each edge.</summary>
public sealed class PolicyProblemTests
{
    [Fact]
    public void The_defaults_are_usable()
    {
        Assert.Null(IndexPolicy.Default.Problem());
        Assert.Null(VolatilityPolicy.Default.Problem());
        Assert.Null(MarginScalingPolicy.Default.Problem());
        Assert.Null(MarginScalingPolicy.Off.Problem());
        Assert.Null(MarkPolicy.Default.Problem());
    }

    [Theory]
    [InlineData(1, 100, 1, true)]
    [InlineData(32, 3_600_000, 5_000, true)]
    [InlineData(0, 5_000, 200, false)]
    [InlineData(33, 5_000, 200, false)]
    [InlineData(2, 99, 200, false)]
    [InlineData(2, 3_600_001, 200, false)]
    [InlineData(2, 5_000, 0, false)]
    [InlineData(2, 5_000, 5_001, false)]
    public void Index_policy(int minFeeds, long staleAfterMs, int maxDeviationBps, bool usable) =>
        Assert.Equal(usable, new IndexPolicy(minFeeds, staleAfterMs, maxDeviationBps).Problem() is null);

    [Theory]
    [InlineData(1_000, 1, 1, true)]
    [InlineData(86_400_000, 999_999, 100_000, true)]
    [InlineData(999, 940_000, 60, false)]
    [InlineData(86_400_001, 940_000, 60, false)]
    [InlineData(60_000, 0, 60, false)]
    [InlineData(60_000, 1_000_000, 60, false)]
    [InlineData(60_000, 940_000, 0, false)]
    [InlineData(60_000, 940_000, 100_001, false)]
    public void Volatility_policy(long intervalMs, int lambdaPpm, int horizon, bool usable) =>
        Assert.Equal(usable, new VolatilityPolicy(intervalMs, lambdaPpm, horizon).Problem() is null);

    [Theory]
    [InlineData(0, 10_000, 1, 1, 1_000, true)]
    [InlineData(1_000_000, 100_000, 10_000, 100_000, 86_400_000, true)]
    [InlineData(-1, 50_000, 500, 1_000, 60_000, false)]
    [InlineData(1_000_001, 50_000, 500, 1_000, 60_000, false)]
    [InlineData(30_000, 9_999, 500, 1_000, 60_000, false)]
    [InlineData(30_000, 100_001, 500, 1_000, 60_000, false)]
    [InlineData(30_000, 50_000, 0, 1_000, 60_000, false)]
    [InlineData(30_000, 50_000, 10_001, 1_000, 60_000, false)]
    [InlineData(30_000, 50_000, 500, 0, 60_000, false)]
    [InlineData(30_000, 50_000, 500, 100_001, 60_000, false)]
    [InlineData(30_000, 50_000, 500, 1_000, 999, false)]
    [InlineData(30_000, 50_000, 500, 1_000, 86_400_001, false)]
    public void Margin_scaling_policy(int k, int cap, int step, int maxStep, long intervalMs, bool usable) =>
        Assert.Equal(usable, new MarginScalingPolicy(k, cap, step, maxStep, intervalMs).Problem() is null);

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(5_000, 999_999, true)]
    [InlineData(0, 900_000, false)]
    [InlineData(5_001, 900_000, false)]
    [InlineData(50, -1, false)]
    [InlineData(50, 1_000_000, false)]
    public void Mark_policy(int bandBps, int lambdaPpm, bool usable) =>
        Assert.Equal(usable, new MarkPolicy(bandBps, lambdaPpm).Problem() is null);
}
