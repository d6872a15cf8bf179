namespace Exchange.Matching;

/// <summary>
/// One notional tier of a market's margin schedule: from <see cref="NotionalFloor"/> (minor units) up to the next
/// tier's floor, each unit of notional needs these basis points of initial and maintenance margin.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarginTier")]
public readonly record struct MarginTier(long NotionalFloor, int InitialBps, int MaintenanceBps);

/// <summary>
/// A market's fees and margin schedule. Fees are basis points of notional (a negative maker fee is a rebate).
/// Margin is marginal by tier, so it is continuous at every tier edge (the tiered formula with deductions that
/// large venues publish is this same function).
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketRisk")]
public sealed record MarketRisk(int MakerFeeBps, int TakerFeeBps, MarginTier[] Tiers)
{
    /// <summary>2 bps maker, 5 bps taker; up to 10x (10% initial, 5% maintenance), less above 1M and 5M USD.</summary>
    public static MarketRisk Default { get; } = new(2, 5,
    [
        new MarginTier(0, 1_000, 500),
        new MarginTier(1_000_000_000_000, 2_000, 1_000),
        new MarginTier(5_000_000_000_000, 5_000, 2_500),
    ]);

    public string? Problem()
    {
        if (TakerFeeBps is < 0 or > 10_000) return "taker fee must be 0 to 10000 bps";
        if (MakerFeeBps < -TakerFeeBps || MakerFeeBps > 10_000) return "a maker rebate may not exceed the taker fee";
        if (Tiers is null || Tiers.Length == 0 || Tiers[0].NotionalFloor != 0) return "margin tiers must start at notional 0";
        for (var i = 0; i < Tiers.Length; i++)
        {
            var t = Tiers[i];
            if (i > 0 && t.NotionalFloor <= Tiers[i - 1].NotionalFloor) return "margin tier floors must ascend";
            if (t.InitialBps is <= 0 or > 10_000 || t.MaintenanceBps <= 0 || t.MaintenanceBps > t.InitialBps)
                return "each tier needs 0 < maintenance <= initial <= 10000 bps";
        }
        return null;
    }

    public bool Equals(MarketRisk? other) =>
        other is not null && MakerFeeBps == other.MakerFeeBps && TakerFeeBps == other.TakerFeeBps
        && Tiers.AsSpan().SequenceEqual(other.Tiers);

    public override int GetHashCode() => HashCode.Combine(MakerFeeBps, TakerFeeBps, Tiers.Length);
}
