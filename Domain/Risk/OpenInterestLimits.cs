namespace Exchange.Risk;

/// <summary>
/// How much open interest a market lets build up (journaled with the market's terms, set by the spec and changed by an
/// operator's command): <see cref="MarketLots"/> caps the market's open interest (the sum of all long positions, which
/// equals the sum of all shorts), <see cref="AccountLots"/> one account's position on either side. 0: no cap of that
/// kind. The dYdX v3 YFI lesson: open interest spread over many accounts in a thin market can outgrow what its insurance
/// fund and its book can ever close, so a venue must be able to stop it growing before it is a problem.
/// </summary>
[GenerateSerializer, Immutable, Alias("OpenInterestLimits")]
public sealed record OpenInterestLimits(long MarketLots = 0, long AccountLots = 0)
{
    /// <summary>No caps: what a market without limits holds (terms keep null for it).</summary>
    public static OpenInterestLimits None { get; } = new();

    public bool IsNone => MarketLots == 0 && AccountLots == 0;

    public string? Problem()
    {
        if (MarketLots < 0) return "marketLots must be 0 (no cap) or positive";
        if (AccountLots < 0) return "accountLots must be 0 (no cap) or positive";
        return null;
    }

    /// <summary>The form terms hold limits in: null when there are none, so equal terms are equal records.</summary>
    public static OpenInterestLimits? Normal(OpenInterestLimits? limits) => limits is null || limits.IsNone ? null : limits;

    /// <summary>
    /// Whether an account whose position is <paramref name="position"/> (signed lots), with working orders of
    /// <paramref name="workingSameSide"/> lots on the side of a new order of <paramref name="size"/> lots, could end beyond
    /// the per-account cap if all of them filled. An order that cannot grow the position past the cap is never refused,
    /// even when the position is already beyond it (the cap was lowered): only growth is.
    /// </summary>
    public bool AccountCapExceeded(long position, Matching.Side side, long workingSameSide, long size)
    {
        if (AccountLots == 0) return false;
        var signed = side == Matching.Side.Buy ? 1 : -1;
        var worst = checked(position + signed * (workingSameSide + size));
        return Math.Abs(worst) > AccountLots && Math.Abs(worst) > Math.Abs(position);
    }
}
