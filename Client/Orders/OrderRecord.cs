using Exchange.Matching;

namespace Exchange.Client.Orders;

public enum OrderStatus { New, PartiallyFilled, Filled, Cancelled, Expired }

/// <summary>One fill of an order of the account, from a TradeExecuted event.</summary>
public readonly record struct FillRecord(long Sequence, long Timestamp, long OrderId, Side Side, long Price, long Size, bool Maker);

/// <summary>
/// One order of one account as its market's events describe it: terms from the acceptance, then fills, amends and
/// the cancel. Prices in ticks, sizes in lots, timestamps in microseconds.
/// </summary>
public sealed class OrderRecord
{
    public required string Symbol { get; init; }
    public required long OrderId { get; init; }
    public string? ClientOrderId { get; init; }
    public Side Side { get; init; }
    public OrderType Type { get; init; }
    /// <summary>The limit price (for a market order: its protection limit).</summary>
    public long Price { get; set; }
    public long Size { get; set; }
    public long Remaining { get; set; }
    public long Filled { get; set; }
    /// <summary>Sum of price x size over the fills, for the average price.</summary>
    public Int128 FilledTickLots { get; set; }
    public TimeInForce TimeInForce { get; init; }
    public OrderFlags Flags { get; init; }
    public SelfTradePrevention SelfTradePrevention { get; init; }
    public CancelReason CancelReason { get; set; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; set; }
    public List<FillRecord> Fills { get; } = [];

    public OrderStatus Status => CancelReason switch
    {
        CancelReason.Unfilled or CancelReason.FillOrKill => OrderStatus.Expired,
        not CancelReason.None => OrderStatus.Cancelled,
        _ when Remaining == 0 => OrderStatus.Filled,
        _ when Filled > 0 => OrderStatus.PartiallyFilled,
        _ => OrderStatus.New,
    };

    public bool IsOpen => Status is OrderStatus.New or OrderStatus.PartiallyFilled;

    /// <summary>A resting order with no fills, described by the book alone.</summary>
    public static OrderRecord Resting(string symbol, in OrderView view) => new()
    {
        Symbol = symbol, OrderId = view.OrderId, ClientOrderId = view.ClientOrderId, Side = view.Side,
        Type = OrderType.Limit, Price = view.Price, Size = view.Remaining + view.Filled, Remaining = view.Remaining,
        Filled = view.Filled, TimeInForce = view.TimeInForce, Flags = view.Flags,
        SelfTradePrevention = view.SelfTradePrevention, CreatedAt = view.AcceptedAt, UpdatedAt = view.AcceptedAt,
    };

    /// <summary>A resting order with no fills after its cancel event (as <see cref="OrderHistory"/> would fold it).</summary>
    public static OrderRecord Cancelled(string symbol, in OrderView view, in MarketEvent cancel)
    {
        var order = Resting(symbol, view);
        order.Remaining -= cancel.Size;
        order.CancelReason = cancel.CancelReason;
        order.UpdatedAt = cancel.Timestamp;
        return order;
    }
}
