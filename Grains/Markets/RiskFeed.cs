using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Markets;

/// <summary>
/// Tells the risk shards the market's committed mark and maintenance schedule whenever either changes: one one-way
/// message per shard per change, never a message per account. The shards scan on their own turns. While the market's
/// insurance fund holds a position here, a new trusted mark goes to the market's liquidator too (one more message),
/// which checks the fund's loss against its cap.
/// </summary>
internal sealed class RiskFeed(string symbol, IGrainFactory grains, int shards)
{
    private IRiskShardGrain[]? _shards;
    private MarkReport _sent;
    private MarketRisk? _risk;

    /// <param name="fundPosition">The insurance fund's position here (0: none, or no liquidation rules).</param>
    public void Publish(MarkReport mark, MarketRisk risk, long fundPosition)
    {
        if (mark.Price <= 0 || (mark.Price == _sent.Price && mark.Untrusted == _sent.Untrusted && ReferenceEquals(risk, _risk))) return;
        if (fundPosition != 0 && !mark.Untrusted && mark.Price != _sent.Price)
            _ = grains.GetGrain<ILiquidatorGrain>(symbol).OnMark(mark.Price);
        (_sent, _risk) = (mark, risk);
        _shards ??= [.. Enumerable.Range(0, shards).Select(i => grains.GetGrain<IRiskShardGrain>(i))];
        var tick = new MarkTick(symbol, mark.Price, mark.AsOf, risk, mark.Untrusted);
        foreach (var shard in _shards) _ = shard.OnMark(tick);
    }
}
