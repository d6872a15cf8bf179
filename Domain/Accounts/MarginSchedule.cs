using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// Margin from a tiered schedule, marginally: each slice of notional between two tier floors needs that tier's
/// rate. This equals the published "notional x rate_n - deduction_n" form (deduction_n = deduction_{n-1} +
/// floor_n x (rate_n - rate_{n-1})) and is continuous at every tier edge by construction. The sum is exact in
/// Int128 and rounded up once.
/// </summary>
public static class MarginSchedule
{
    public static long Initial(MarketRisk risk, long notional) => Margin(risk.Tiers, notional, initial: true);

    public static long Maintenance(MarketRisk risk, long notional) => Margin(risk.Tiers, notional, initial: false);

    private static long Margin(MarginTier[] tiers, long notional, bool initial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(notional);
        Int128 sum = 0;
        for (var i = 0; i < tiers.Length && notional > tiers[i].NotionalFloor; i++)
        {
            var ceiling = i + 1 < tiers.Length ? Math.Min(notional, tiers[i + 1].NotionalFloor) : notional;
            sum += (Int128)(ceiling - tiers[i].NotionalFloor) * (initial ? tiers[i].InitialBps : tiers[i].MaintenanceBps);
        }
        return Money.CeilDiv(sum, Money.BasisPointsPerUnit);
    }
}
