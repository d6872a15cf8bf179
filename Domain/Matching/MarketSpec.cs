namespace Exchange.Matching;

/// <summary>
/// The static terms of one market. Prices are whole ticks and sizes whole lots; <see cref="TickSize"/> and
/// <see cref="LotSize"/> say what one tick and one lot mean in human units, and are used only at the API edge
/// to turn "65000.5" into ticks (decimal is exact base-10, never binary floating point). The engine never
/// multiplies by them.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketSpec")]
public sealed record MarketSpec(
    string Symbol,
    decimal TickSize,
    decimal LotSize,
    long MinPrice,
    long MaxPrice,
    long MinSize,
    long MaxSize,
    long MarketProtectionTicks,
    MarketRisk? Risk = null,
    IndexRules? Index = null,
    BreakerRules? Breaker = null,
    Risk.LiquidationRules? Liquidation = null,
    Risk.OpenInterestLimits? OpenInterest = null)
{
    /// <summary>Money is in minor units of one millionth of a USD (micro-USD).</summary>
    public const long MinorUnitsPerQuoteUnit = 1_000_000;

    /// <summary>The fees and margin schedule (the default when the spec names none).</summary>
    public MarketRisk RiskTerms => Risk ?? MarketRisk.Default;

    /// <summary>Minor units of notional in one lot at one tick: TickSize x LotSize in micro-USD, a whole number.</summary>
    public long NotionalPerTickLot => (long)(TickSize * LotSize * MinorUnitsPerQuoteUnit);

    /// <summary>The fast book indexes price levels by (price - MinPrice) in an int.</summary>
    public const long MaxPriceRange = int.MaxValue - 1;

    /// <summary>Returns null when the spec is usable, otherwise why it is not.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Symbol)) return "symbol is empty";
        if (TickSize <= 0) return "tick size must be positive";
        if (LotSize <= 0) return "lot size must be positive";
        if (MinPrice < 1 || MaxPrice < MinPrice) return "need 1 <= minPrice <= maxPrice";
        if (MaxPrice - MinPrice > MaxPriceRange) return $"price range may span at most {MaxPriceRange} ticks";
        if (MinSize < 1 || MaxSize < MinSize) return "need 1 <= minSize <= maxSize";
        if (TickSize * LotSize * MinorUnitsPerQuoteUnit is var unit && (unit < 1 || unit > 1_000_000_000_000 || unit != decimal.Truncate(unit)))
            return "tick size x lot size must be a whole number of micro-USD";
        if ((Int128)MaxPrice * MaxSize * NotionalPerTickLot > long.MaxValue) return "the largest order's notional overflows";
        if (RiskTerms.Problem() is { } risk) return risk;
        if (Index?.Problem() is { } index) return index;
        if (Breaker?.Problem() is { } breaker) return breaker;
        if (Liquidation?.Problem() is { } liquidation) return liquidation;
        if (OpenInterest?.Problem() is { } openInterest) return openInterest;
        if (MarketProtectionTicks < 0 || MarketProtectionTicks > MaxPrice - MinPrice)
            return "market protection must be between 0 and the price range";
        // A level's total of at most int.MaxValue resting orders must fit a long.
        if (MaxSize > uint.MaxValue) return $"max size may be at most {uint.MaxValue} lots";
        // Notional in tick-lots must fit a long so that no later product overflows.
        if ((Int128)MaxPrice * MaxSize > long.MaxValue) return "maxPrice x maxSize overflows";
        return null;
    }

    public bool IsValidPrice(long price) => price >= MinPrice && price <= MaxPrice;

    public bool IsValidSize(long size) => size >= MinSize && size <= MaxSize;
}
