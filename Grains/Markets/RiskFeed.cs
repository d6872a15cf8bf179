using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Markets;

/// <summary>
/// Tells the risk shards the market's committed mark and maintenance schedule whenever either changes: one one-way
/// message per shard per change, never a message per account. The shards scan on their own turns.
/// </summary>
internal sealed class RiskFeed(string symbol, IGrainFactory grains, int shards)
{
    private IRiskShardGrain[]? _shards;
    private MarkReport _sent;
    private MarketRisk? _risk;

    public void Publish(MarkReport mark, MarketRisk risk)
    {
        if (mark.Price <= 0 || (mark.Price == _sent.Price && mark.Untrusted == _sent.Untrusted && ReferenceEquals(risk, _risk))) return;
        (_sent, _risk) = (mark, risk);
        _shards ??= [.. Enumerable.Range(0, shards).Select(i => grains.GetGrain<IRiskShardGrain>(i))];
        var tick = new MarkTick(symbol, mark.Price, mark.AsOf, risk, mark.Untrusted);
        foreach (var shard in _shards) _ = shard.OnMark(tick);
    }
}
