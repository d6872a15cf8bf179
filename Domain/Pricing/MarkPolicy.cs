namespace Exchange.Pricing;

/// <summary>
/// How a market's mark follows its index: never further than <see cref="BandBps"/> from it, and the basis (book
/// mid minus index) averaged with weight <see cref="BasisLambdaPpm"/> on the past per index tick. Default: 0.5%
/// (a thin book cannot push the mark, and through it liquidations, further than that from the venues' price; the
/// lesson of the October 2025 collateral marks) and 0.9 per tick (about 10 ticks of memory, a few seconds at the
/// oracle's pace, as Deribit's and Hyperliquid's basis averages over tens of seconds to minutes).
/// </summary>
[GenerateSerializer, Immutable, Alias("MarkPolicy")]
public sealed record MarkPolicy(int BandBps, int BasisLambdaPpm)
{
    public static MarkPolicy Default { get; } = new(50, 900_000);

    public string? Problem()
    {
        if (BandBps is < 1 or > 5_000) return "bandBps must be 1 to 5000";
        if (BasisLambdaPpm is < 0 or > 999_999) return "basisLambdaPpm must be 0 to 999999";
        return null;
    }
}
