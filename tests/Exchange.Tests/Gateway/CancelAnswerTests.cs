using Exchange.Client.Orders;
using Exchange.Matching;

namespace Exchange.Tests.Gateway;

/// <summary>
/// A cancel of an order that never filled is answered from the book's view of it plus the cancel event, instead of
/// folding the account's whole history: both must describe the order the same way.
/// </summary>
public sealed class CancelAnswerTests
{
    [Fact]
    public void An_unfilled_order_cancelled_reads_the_same_from_its_view_as_from_its_history()
    {
        var order = new PlaceOrder(7, Side.Sell, OrderType.Limit, 130_010, 25, TimeInForce.GoodTillCancel,
            OrderFlags.PostOnly, SelfTradePrevention.CancelBoth, "c-1");
        var accepted = MarketEvent.Accepted(41, 1_000, 9, order, order.Price);
        var cancelled = MarketEvent.Cancelled(57, 2_000, 9, 7, Side.Sell, 130_010, 25, CancelReason.Requested);
        var view = new OrderView(9, 7, Side.Sell, 130_010, 25, 0, TimeInForce.GoodTillCancel, OrderFlags.PostOnly,
            SelfTradePrevention.CancelBoth, "c-1", 1_000);

        var fromHistory = OrderHistory.Of("BTC-PERP", 7, [accepted, cancelled]).Orders[9];
        var fromView = OrderRecord.Cancelled("BTC-PERP", view, cancelled);

        Assert.Equal(OrderStatus.Cancelled, fromView.Status);
        Assert.Equal(
            (fromHistory.OrderId, fromHistory.ClientOrderId, fromHistory.Side, fromHistory.Type, fromHistory.Price, fromHistory.Size,
             fromHistory.Remaining, fromHistory.Filled, fromHistory.TimeInForce, fromHistory.Flags, fromHistory.SelfTradePrevention,
             fromHistory.CancelReason, fromHistory.CreatedAt, fromHistory.UpdatedAt, fromHistory.Status, fromHistory.Fills.Count),
            (fromView.OrderId, fromView.ClientOrderId, fromView.Side, fromView.Type, fromView.Price, fromView.Size,
             fromView.Remaining, fromView.Filled, fromView.TimeInForce, fromView.Flags, fromView.SelfTradePrevention,
             fromView.CancelReason, fromView.CreatedAt, fromView.UpdatedAt, fromView.Status, fromView.Fills.Count));
    }
}
