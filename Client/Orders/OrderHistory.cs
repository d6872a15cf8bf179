using Exchange.Matching;

namespace Exchange.Client.Orders;

/// <summary>
/// Folds one account's events in one market into its orders. Pure: the same events always give the same orders.
/// Events of other accounts are ignored, so a command's whole outcome can be folded for the commanding account.
/// </summary>
public sealed class OrderHistory(string symbol, long accountId)
{
    private readonly Dictionary<long, OrderRecord> _orders = [];

    public IReadOnlyDictionary<long, OrderRecord> Orders => _orders;

    /// <summary>The account's fills, oldest first.</summary>
    public IEnumerable<FillRecord> Fills => _orders.Values.SelectMany(o => o.Fills).OrderBy(f => f.Sequence).ThenBy(f => f.Maker);

    public static OrderHistory Of(string symbol, long accountId, IEnumerable<MarketEvent> events)
    {
        var history = new OrderHistory(symbol, accountId);
        foreach (var e in events) history.Apply(e);
        return history;
    }

    /// <summary>Adds an order known from elsewhere (the book), whose acceptance is older than the events folded here.</summary>
    public void Add(OrderRecord order) => _orders[order.OrderId] = order;

    /// <summary>Drops an order that will not change again (a live feed keeps only what can still move).</summary>
    public void Forget(long orderId) => _orders.Remove(orderId);

    public void Apply(in MarketEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.OrderAccepted when e.AccountId == accountId:
                _orders[e.OrderId] = new OrderRecord
                {
                    Symbol = symbol, OrderId = e.OrderId, ClientOrderId = e.ClientOrderId, Side = e.Side, Type = e.OrderType,
                    Price = e.Price, Size = e.Size, Remaining = e.Size, TimeInForce = e.TimeInForce, Flags = e.Flags,
                    SelfTradePrevention = e.SelfTradePrevention, CreatedAt = e.Timestamp, UpdatedAt = e.Timestamp,
                };
                break;
            case EventKind.TradeExecuted:
                if (e.AccountId == accountId && _orders.TryGetValue(e.OrderId, out var taker))
                    Fill(taker, e, e.Side, e.Remaining, maker: false);
                if (e.MakerAccountId == accountId && _orders.TryGetValue(e.MakerOrderId, out var maker))
                    Fill(maker, e, e.Side.Opposite(), e.MakerRemaining, maker: true);
                break;
            case EventKind.OrderCancelled when e.AccountId == accountId && _orders.TryGetValue(e.OrderId, out var cancelled):
                cancelled.Remaining -= e.Size;
                cancelled.CancelReason = e.CancelReason;
                cancelled.UpdatedAt = e.Timestamp;
                break;
            case EventKind.OrderAmended when e.AccountId == accountId && _orders.TryGetValue(e.OrderId, out var amended):
                amended.Price = e.Price;
                amended.Remaining = e.Size;
                amended.Size = amended.Filled + e.Size;
                amended.UpdatedAt = e.Timestamp;
                break;
        }
    }

    private static void Fill(OrderRecord order, in MarketEvent e, Side side, long remaining, bool maker)
    {
        order.Filled += e.Size;
        order.FilledTickLots += (Int128)e.Price * e.Size;
        order.Remaining = remaining;
        order.UpdatedAt = e.Timestamp;
        order.Fills.Add(new FillRecord(e.Sequence, e.Timestamp, order.OrderId, side, e.Price, e.Size, maker));
    }
}
