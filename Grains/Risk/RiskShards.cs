namespace Exchange.Risk;

/// <summary>Messages for every shard of the risk view at once.</summary>
internal static class RiskShards
{
    /// <summary>
    /// Deleveraging found too few counterparties in <paramref name="symbol"/>: every shard checks its rows against the
    /// market's holders (<see cref="IRiskShardGrain.RelearnHolders"/>), so a holder whose report was lost is found by the
    /// next attempt rather than after its row's refresh.
    /// </summary>
    public static void RelearnHolders(IGrainFactory grains, RiskOptions options, string symbol)
    {
        for (var shard = 0; shard < options.Shards; shard++) _ = grains.GetGrain<IRiskShardGrain>(shard).RelearnHolders(symbol);
    }
}
