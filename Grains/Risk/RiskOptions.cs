namespace Exchange.Risk;

/// <summary>The risk view and the liquidation engine's settings. Bound from "Exchange:Risk".</summary>
public sealed class RiskOptions
{
    /// <summary>
    /// How many risk shards hold the accounts' positions (account id mod shards). Every market sends each shard its mark,
    /// so ticks cost markets x shards one-way messages; each shard scans its share of the accounts on its own turn.
    /// </summary>
    public int Shards { get; set; } = 4;

    /// <summary>An account still under maintenance is told again after this long (its liquidation may have waited on a
    /// stale index or a paused market).</summary>
    public TimeSpan RenotifyAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many counterparties one shard offers for one deleveraging.</summary>
    public int DeleverageCandidates { get; set; } = 50;

    /// <summary>How often funding settles (each interval pays its share of the eight-hour rate). One hour, as Hyperliquid and
    /// dYdX; at least a minute (Orleans reminders' shortest period) and at most eight hours.</summary>
    public TimeSpan FundingInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Problems()
    {
        if (FundingInterval < TimeSpan.FromMinutes(1) || FundingInterval > TimeSpan.FromHours(8))
            yield return "Exchange:Risk:FundingInterval must be 1 minute to 8 hours";
        if (Shards is < 1 or > 1024) yield return "Exchange:Risk:Shards must be 1 to 1024";
        if (RenotifyAfter <= TimeSpan.Zero) yield return "Exchange:Risk:RenotifyAfter must be positive";
        if (DeleverageCandidates is < 1 or > 10_000) yield return "Exchange:Risk:DeleverageCandidates must be 1 to 10000";
    }

    public static int ShardOf(long accountId, int shards) => (int)((ulong)accountId % (ulong)shards);
}
