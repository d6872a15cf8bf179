using Exchange.Matching;

namespace Exchange.Pricing;

// The price-integrity API the oracle and the markets are written against; the rules behind it are being written
// beside this file and replace it.

public enum IndexStatus : byte { Stale, Degraded, Fresh }

public enum FeedStatus : byte { Fresh, Stale, Outlier, Disabled, Missing }

public static class IndexPrices
{
    public const long Scale = 100_000_000;
    public static bool TryParse(string? text, out long price) => throw new NotImplementedException();
    public static string Format(long price) => throw new NotImplementedException();
    public static long ToTicks(long price, decimal tickSize) => throw new NotImplementedException();
}

[GenerateSerializer, Immutable, Alias("IndexPolicy")]
public sealed record IndexPolicy(int MinFeeds, long StaleAfterMs, int MaxDeviationBps)
{
    public static IndexPolicy Default { get; } = new(2, 5000, 200);
    public string? Problem() => throw new NotImplementedException();
}

[GenerateSerializer, Immutable, Alias("FeedQuote")]
public readonly record struct FeedQuote(string Feed, long Price, long Timestamp, bool Enabled);

[GenerateSerializer, Immutable, Alias("FeedReading")]
public readonly record struct FeedReading(string Feed, long Price, long AgeMs, FeedStatus Status);

[GenerateSerializer, Immutable, Alias("IndexReading")]
public sealed record IndexReading(long Price, IndexStatus Status, FeedReading[] Feeds);

public static class IndexPriceAggregator
{
    public static IndexReading Aggregate(IndexPolicy policy, IReadOnlyList<FeedQuote> quotes, long now, long previousPrice) =>
        throw new NotImplementedException();
}

[GenerateSerializer, Immutable, Alias("VolatilityPolicy")]
public sealed record VolatilityPolicy(long IntervalMs, int LambdaPpm, int HorizonIntervals)
{
    public static VolatilityPolicy Default { get; } = new(60_000, 940_000, 60);
    public string? Problem() => throw new NotImplementedException();
}

[GenerateSerializer, Immutable, Alias("VolatilityState")]
public readonly record struct VolatilityState(long IntervalStart, long LastPrice, long VariancePpb2, int Samples);

public static class RealisedVolatility
{
    public static VolatilityState Observe(VolatilityPolicy policy, VolatilityState state, long price, long timestamp) => throw new NotImplementedException();
    public static long SigmaPpm(VolatilityState state) => throw new NotImplementedException();
    public static long HorizonSigmaPpm(VolatilityPolicy policy, VolatilityState state) => throw new NotImplementedException();
}

[GenerateSerializer, Immutable, Alias("MarginMultipliers")]
public readonly record struct MarginMultipliers(int InitialBps, int MaintenanceBps)
{
    public static MarginMultipliers One { get; } = new(10_000, 10_000);
}

[GenerateSerializer, Immutable, Alias("MarginScalingPolicy")]
public sealed record MarginScalingPolicy(int SigmaMultipleBps, int CapBps, int StepBps, int MaxMaintenanceStepBps, long IntervalMs)
{
    public static MarginScalingPolicy Default { get; } = new(30_000, 50_000, 500, 1_000, 60_000);
    public static MarginScalingPolicy Off { get; } = new(30_000, 10_000, 500, 1_000, 60_000);
    public string? Problem() => throw new NotImplementedException();
}

public static class MarginScaling
{
    public static int Target(MarginScalingPolicy policy, long horizonSigmaPpm, int baseMaintenanceBps) => throw new NotImplementedException();
    public static MarginMultipliers Step(MarginScalingPolicy policy, MarginMultipliers current, long since, long now, int target) => throw new NotImplementedException();
    public static MarketRisk Scale(MarketRisk baseRisk, MarginMultipliers multipliers) => throw new NotImplementedException();
}

[GenerateSerializer, Immutable, Alias("MarkPolicy")]
public sealed record MarkPolicy(int BandBps, int BasisLambdaPpm)
{
    public static MarkPolicy Default { get; } = new(50, 900_000);
    public string? Problem() => throw new NotImplementedException();
}

public static class MarkPriceRule
{
    public static long UpdateBasis(MarkPolicy policy, long basisMilliTicks, long indexTicks, long bestBid, long bestAsk) => throw new NotImplementedException();
    public static long Mark(MarkPolicy policy, long indexTicks, long basisMilliTicks, long bestBid, long bestAsk, long lastTrade) => throw new NotImplementedException();
}
