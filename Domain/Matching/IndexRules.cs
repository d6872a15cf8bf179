using Exchange.Pricing;

namespace Exchange.Matching;

/// <summary>
/// How a market follows an index: the index's name, the mark rule, how long the index must have been fresh again
/// before the market reopens (through an auction of <see cref="AuctionMs"/>), and how margin scales with volatility.
/// A market without these keeps its own mark (the operator's, else the last trade) and never changes mode by itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("IndexRules")]
public sealed record IndexRules(
    string Index,
    MarkPolicy? Mark = null,
    long ReopenAfterMs = 5_000,
    long AuctionMs = 5_000,
    MarginScalingPolicy? Scaling = null)
{
    public const int MaxIndexLength = 32;

    public MarkPolicy MarkTerms => Mark ?? MarkPolicy.Default;

    public MarginScalingPolicy ScalingTerms => Scaling ?? MarginScalingPolicy.Default;

    /// <summary>Index names are 1-32 characters of A-Z, 0-9 and '-' (as "BTC-USD").</summary>
    public static bool IsValidName(string? index) =>
        index is { Length: > 0 and <= MaxIndexLength } && index.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-');

    public string? Problem()
    {
        if (!IsValidName(Index)) return "the index name must be 1-32 characters of A-Z, 0-9 and '-'";
        if (MarkTerms.Problem() is { } mark) return mark;
        if (ScalingTerms.Problem() is { } scaling) return scaling;
        if (ReopenAfterMs is < 0 or > 3_600_000) return "reopenAfterMs must be 0 to 3600000";
        if (AuctionMs is < 0 or > 3_600_000) return "auctionMs must be 0 to 3600000";
        return null;
    }
}

/// <summary>Where an index tick came from: the oracle, or the market itself when it has no trustworthy index.</summary>
public enum IndexTickOrigin : byte
{
    Oracle,
    /// <summary>The market (re)started: whatever its journal last heard, it trusts no index until a fresh one arrives.</summary>
    Restart,
    /// <summary>The oracle has been silent too long: the market counts its index as stale.</summary>
    Silence,
}

/// <summary>
/// One reading of a market's index as it enters the market's journal: the index converted to the market's ticks
/// (0: none known), its status, the oracle's time of the reading, the index's volatility over the margin horizon,
/// and where the reading came from.
/// </summary>
[GenerateSerializer, Immutable, Alias("IndexTick")]
public readonly record struct IndexTick(long IndexTicks, IndexStatus Status, long AsOf, long HorizonSigmaPpm,
    IndexTickOrigin Origin = IndexTickOrigin.Oracle)
{
    /// <summary>An index a mark and margin may stand on: fresh or degraded, with a price.</summary>
    public bool IsTrusted => Status != IndexStatus.Stale && IndexTicks > 0;
}

/// <summary>
/// What a market following an index holds of it, beside its mark: the latest tick, the basis average the mark
/// rule keeps, since when the index has been trusted (0: it is not), when the market's reopening auction began (0:
/// none), the margin multipliers in force and since when they last stepped, the schedule the operator set (the one in
/// force is it scaled), and whether the mark is the operator's override (then index ticks leave it alone).
/// </summary>
[GenerateSerializer, Immutable, Alias("IndexState")]
public sealed record IndexState(
    IndexTick Tick,
    long BasisMilliTicks,
    long TrustedSince,
    long AuctionSince,
    MarginMultipliers Multipliers,
    long MultipliersSince,
    MarketRisk BaseRisk,
    bool OperatorMark)
{
    public static IndexState Initial(MarketTerms terms) =>
        new(default, 0, 0, 0, MarginMultipliers.One, 0, terms.Risk, OperatorMark: terms.MarkPrice > 0);

    public bool Equals(IndexState? other) =>
        other is not null && Tick == other.Tick && BasisMilliTicks == other.BasisMilliTicks && TrustedSince == other.TrustedSince
        && AuctionSince == other.AuctionSince && Multipliers == other.Multipliers && MultipliersSince == other.MultipliersSince
        && BaseRisk.Equals(other.BaseRisk) && OperatorMark == other.OperatorMark;

    public override int GetHashCode() => HashCode.Combine(Tick, BasisMilliTicks, TrustedSince, Multipliers);
}
