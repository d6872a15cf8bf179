namespace Exchange.Risk;

/// <summary>
/// How a market liquidates (journaled with the market's terms, changed by an operator's command):
/// <see cref="FundAccountId"/> is the market's insurance fund, an account of the venue; <see cref="FeeBps"/> of the
/// notional closed goes to it, never more than keeps the liquidated account at zero; a position is reduced through
/// the book in slices of at most <see cref="SliceLots"/> lots, <see cref="CooldownMs"/> apart, so one whale does not
/// empty the book at once; the fund takes over what the book cannot absorb but loses at most
/// <see cref="FundLossCapBps"/> of its equity on one takeover (the JELLY lesson); the rest is auto-deleveraged.
/// </summary>
[GenerateSerializer, Immutable, Alias("LiquidationRules")]
public sealed record LiquidationRules(long FundAccountId, int FeeBps = 50, long SliceLots = 1_000_000, long CooldownMs = 1_000,
    int FundLossCapBps = 2_000)
{
    public const int MaxFeeBps = 1_000;
    public const long MaxCooldownMs = 600_000;

    public string? Problem()
    {
        if (FundAccountId <= 0) return "fundAccountId must be a positive account id";
        if (FeeBps is < 0 or > MaxFeeBps) return $"feeBps must be 0 to {MaxFeeBps}";
        if (SliceLots <= 0) return "sliceLots must be positive";
        if (CooldownMs is < 0 or > MaxCooldownMs) return $"cooldownMs must be 0 to {MaxCooldownMs}";
        if (FundLossCapBps is < 0 or > 10_000) return "fundLossCapBps must be 0 to 10000";
        return null;
    }
}
