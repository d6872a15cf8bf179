namespace Exchange.Pricing;

/// <summary>
/// How an index is computed from its feeds: how many must agree (<see cref="MinFeeds"/>), how old a feed's price
/// may be (<see cref="StaleAfterMs"/>), and how far a feed may sit from the others before it counts as an outlier,
/// which is also how far a minority of feeds can move the index in one reading (<see cref="MaxDeviationBps"/>).
/// Default: 2 feeds, 5 s, 2%: two independent venues before anything is trusted; 5 s is a few missed updates of a
/// feed that publishes every second (venues use 10 s to 30 s, and we would rather go stale early); 2% is far
/// outside normal spreads between venues yet well inside a de-peg such as USDC in March 2023 (about 10%).
/// </summary>
[GenerateSerializer, Immutable, Alias("IndexPolicy")]
public sealed record IndexPolicy(int MinFeeds, long StaleAfterMs, int MaxDeviationBps)
{
    public static IndexPolicy Default { get; } = new(2, 5000, 200);

    /// <summary>What is wrong with the policy, in the operator's words; null when it is usable.</summary>
    public string? Problem()
    {
        if (MinFeeds is < 1 or > 32) return "minFeeds must be 1 to 32";
        if (StaleAfterMs is < 100 or > 3_600_000) return "staleAfterMs must be 100 to 3600000";
        if (MaxDeviationBps is < 1 or > 5_000) return "maxDeviationBps must be 1 to 5000";
        return null;
    }
}
