using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Matching;
using Exchange.Pricing;

namespace Exchange.Client.Markets;

/// <summary>
/// Reads a market spec in human units (<see cref="Contracts.CreateMarketRequest"/>) into the engine's spec: prices
/// become ticks and sizes lots, each required to be a whole multiple. Defaults: the smallest price is one tick, the
/// smallest size one lot, market protection 100 ticks, the default fees and margin tiers, no index (an optional
/// <c>index</c> object makes the market follow one; its rules are judged by <see cref="IndexRules.Problem"/>), no
/// open-interest caps (<c>maxOpenInterest</c> and <c>maxPositionSize</c> in base units set them).
/// </summary>
public static class MarketSpecReader
{
    public const long DefaultProtectionTicks = 100;

    public static MarketSpec Read(ReadOnlyMemory<byte> bytes)
    {
        var body = JsonBody.Parse(bytes, "symbol", "tickSize", "lotSize", "minPrice", "maxPrice", "minSize", "maxSize",
            "marketProtection", "makerFeeBps", "takerFeeBps", "marginTiers", "index", "maxOpenInterest", "maxPositionSize");
        var symbol = body.RequiredText("symbol");
        if (!MarketDirectory.IsWellFormed(symbol))
            throw Invalid("symbol", $"a symbol is 1 to {MarketDirectory.MaxSymbolLength} upper-case letters, digits and inner dashes");
        var tick = Positive(body, "tickSize");
        var lot = Positive(body, "lotSize");
        var maxPrice = Whole(body.RequiredText("maxPrice"), tick, "maxPrice", "tickSize");
        var minPrice = body.Text("minPrice") is { } min ? Whole(min, tick, "minPrice", "tickSize") : 1;
        var maxSize = Whole(body.RequiredText("maxSize"), lot, "maxSize", "lotSize");
        var minSize = body.Text("minSize") is { } minS ? Whole(minS, lot, "minSize", "lotSize") : 1;
        var protection = body.Text("marketProtection") is { } p ? Whole(p, tick, "marketProtection", "tickSize") : DefaultProtectionTicks;
        var maxOpenInterest = body.Text("maxOpenInterest") is { } oi ? Whole(oi, lot, "maxOpenInterest", "lotSize") : 0;
        var maxPosition = body.Text("maxPositionSize") is { } ps ? Whole(ps, lot, "maxPositionSize", "lotSize") : 0;
        var spec = new MarketSpec(symbol, tick, lot, minPrice, maxPrice, minSize, maxSize, protection, Risk(body), Index(body),
            OpenInterest: Exchange.Risk.OpenInterestLimits.Normal(new Exchange.Risk.OpenInterestLimits(maxOpenInterest, maxPosition)));
        string? problem;
        try
        {
            problem = spec.Problem();
        }
        catch (OverflowException)
        {
            problem = "the numbers are too large to combine";
        }
        return problem is null ? spec : throw new ApiException(ApiError.BadRequest(ErrorCodes.InvalidMarketSpec, problem));
    }

    /// <summary>New risk parameters for a market: the fields given replace the current ones, the others stay.</summary>
    public static MarketRisk ReadRisk(ReadOnlyMemory<byte> bytes, MarketRisk current)
    {
        var body = JsonBody.Parse(bytes, "makerFeeBps", "takerFeeBps", "marginTiers");
        var tiers = body.Array("marginTiers", 16);
        return new MarketRisk(body.WholeNumber("makerFeeBps", -10_000, 10_000) ?? current.MakerFeeBps,
            body.WholeNumber("takerFeeBps", 0, 10_000) ?? current.TakerFeeBps, tiers is null ? current.Tiers : [.. tiers.Select(Tier)]);
    }

    private static MarketRisk? Risk(JsonBody body)
    {
        var maker = body.WholeNumber("makerFeeBps", -10_000, 10_000);
        var taker = body.WholeNumber("takerFeeBps", 0, 10_000);
        var tiers = body.Array("marginTiers", 16);
        if (maker is null && taker is null && tiers is null) return null;
        var fallback = MarketRisk.Default;
        return new MarketRisk(maker ?? fallback.MakerFeeBps, taker ?? fallback.TakerFeeBps,
            tiers is null ? fallback.Tiers : [.. tiers.Select(Tier)]);
    }

    /// <summary>How the market follows an index (<see cref="IndexRules"/>); null when the body names none.</summary>
    private static IndexRules? Index(JsonBody body)
    {
        if (body.Nested("index", "index", "reopenAfterMs", "auctionMs", "mark", "scaling") is not { } index) return null;
        var name = index.RequiredText("index");
        if (!IndexRules.IsValidName(name)) throw Invalid("index", "the index name must be 1-32 characters of A-Z, 0-9 and '-'");
        var defaults = new IndexRules(name);
        MarkPolicy? mark = null;
        if (index.Nested("mark", "bandBps", "basisLambdaPpm") is { } m)
            mark = new MarkPolicy(m.WholeNumber("bandBps", 0, 10_000) ?? MarkPolicy.Default.BandBps,
                m.WholeNumber("basisLambdaPpm", 0, 1_000_000) ?? MarkPolicy.Default.BasisLambdaPpm);
        MarginScalingPolicy? scaling = null;
        if (index.Nested("scaling", "sigmaMultipleBps", "capBps", "stepBps", "maxMaintenanceStepBps", "intervalMs") is { } sc)
        {
            var d = MarginScalingPolicy.Default;
            scaling = new MarginScalingPolicy(sc.WholeNumber("sigmaMultipleBps", 0, int.MaxValue) ?? d.SigmaMultipleBps,
                sc.WholeNumber("capBps", 0, int.MaxValue) ?? d.CapBps, sc.WholeNumber("stepBps", 0, int.MaxValue) ?? d.StepBps,
                sc.WholeNumber("maxMaintenanceStepBps", 0, int.MaxValue) ?? d.MaxMaintenanceStepBps,
                sc.LongNumber("intervalMs", 0, long.MaxValue) ?? d.IntervalMs);
        }
        return new IndexRules(name, mark, index.LongNumber("reopenAfterMs", 0, long.MaxValue) ?? defaults.ReopenAfterMs,
            index.LongNumber("auctionMs", 0, long.MaxValue) ?? defaults.AuctionMs, scaling);
    }

    private static MarginTier Tier(System.Text.Json.JsonElement element)
    {
        var tier = JsonBody.Of(element, "marginTiers", "notionalFloor", "initialBps", "maintenanceBps");
        var floor = tier.RequiredText("notionalFloor");
        if (!Units.TryWhole(floor, 1m / MarketSpec.MinorUnitsPerQuoteUnit, out var micros))
            throw Invalid("marginTiers", "notionalFloor must be a decimal string with at most 6 decimals");
        return new MarginTier(micros, tier.WholeNumber("initialBps", 1, 10_000) ?? throw Invalid("marginTiers", "initialBps is required"),
            tier.WholeNumber("maintenanceBps", 1, 10_000) ?? throw Invalid("marginTiers", "maintenanceBps is required"));
    }

    private static decimal Positive(JsonBody body, string field) =>
        DecimalText.TryParse(body.RequiredText(field), out var value) && value > 0 ? value
            : throw Invalid(field, $"{field} must be a positive decimal string");

    private static long Whole(string text, decimal unit, string field, string unitName) =>
        Units.TryWhole(text, unit, out var count) ? count : throw Invalid(field, $"{field} must be a decimal string that is a multiple of {unitName}");

    private static ApiException Invalid(string field, string detail) => new(ApiError.Field(ErrorCodes.InvalidMarketSpec, field, detail));
}
