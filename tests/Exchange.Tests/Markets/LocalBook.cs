using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Markets;

/// <summary>
/// What a market-data subscriber can know: an L2 book (price to total size per side) started from a
/// <see cref="BookView"/> and moved by the absolute level sizes of <see cref="MarketDataUpdate"/>s.
/// </summary>
internal sealed class LocalBook
{
    private readonly SortedDictionary<long, long> _bids = [];
    private readonly SortedDictionary<long, long> _asks = [];

    public LocalBook(BookView start)
    {
        foreach (var level in start.Bids) _bids.Add(level.Price, level.Size);
        foreach (var level in start.Asks) _asks.Add(level.Price, level.Size);
    }

    /// <summary>Sets a level's total size; 0 removes the level.</summary>
    public void Apply(LevelChange change)
    {
        var side = change.Side == Side.Buy ? _bids : _asks;
        if (change.Size == 0) side.Remove(change.Price);
        else side[change.Price] = change.Size;
    }

    /// <summary>Bids best (highest) first, as <see cref="BookView.Bids"/> lists them.</summary>
    public (long Price, long Size)[] Bids => [.. _bids.Reverse().Select(l => (l.Key, l.Value))];

    /// <summary>Asks best (lowest) first.</summary>
    public (long Price, long Size)[] Asks => [.. _asks.Select(l => (l.Key, l.Value))];

    public static (long Price, long Size)[] Levels(PriceLevel[] levels) => [.. levels.Select(l => (l.Price, l.Size))];
}

/// <summary>
/// Resting orders as the events of acknowledged commands describe them, independently of the grain's queries.
/// Feed it every committed outcome in commit order.
/// </summary>
internal sealed class LocalOrders
{
    private readonly Dictionary<long, Resting> _open = [];

    public sealed record Resting(long OrderId, long AccountId, Side Side, long Price, long Remaining, string? ClientOrderId);

    public IReadOnlyCollection<Resting> Open => _open.Values;

    public IEnumerable<Resting> Of(long accountId) => _open.Values.Where(o => o.AccountId == accountId).OrderBy(o => o.OrderId);

    public void Apply(CommandOutcome outcome)
    {
        Assert.Equal(CommandStatus.Committed, outcome.Status);
        foreach (var e in outcome.Events) Apply(e);
    }

    public void Apply(in MarketEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.OrderAccepted:
                _open.Add(e.OrderId, new Resting(e.OrderId, e.AccountId, e.Side, e.Price, e.Size, e.ClientOrderId));
                break;
            case EventKind.TradeExecuted:
                SetRemaining(e.OrderId, e.Remaining);
                SetRemaining(e.MakerOrderId, e.MakerRemaining);
                break;
            case EventKind.OrderCancelled:
                SetRemaining(e.OrderId, _open[e.OrderId].Remaining - e.Size);
                break;
            case EventKind.OrderAmended:
                _open[e.OrderId] = _open[e.OrderId] with { Price = e.Price, Remaining = e.Size };
                break;
        }
    }

    private void SetRemaining(long orderId, long remaining)
    {
        if (remaining == 0) _open.Remove(orderId);
        else _open[orderId] = _open[orderId] with { Remaining = remaining };
    }
}
