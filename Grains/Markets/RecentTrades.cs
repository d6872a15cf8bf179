using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>A market's latest public trades, for queries: rebuilt on recovery from the journal tail replayed after the snapshot.</summary>
internal sealed class RecentTrades(int capacity)
{
    private readonly Queue<PublicTrade> _trades = new();

    public void Add(PublicTrade trade)
    {
        _trades.Enqueue(trade);
        if (_trades.Count > capacity) _trades.Dequeue();
    }

    /// <summary>Up to <paramref name="limit"/> trades, newest first.</summary>
    public PublicTrade[] Latest(int limit) => [.. _trades.Reverse().Take(Math.Clamp(limit, 0, capacity))];
}
