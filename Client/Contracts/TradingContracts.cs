namespace Exchange.Client.Contracts;

// Requests and answers of the signed endpoints. The request records document the bodies for OpenAPI; the
// endpoints read bodies strictly themselves (see Input/JsonBody).

public sealed record PlaceOrderRequest(string Symbol, string Side, string Type, string? Price, string Size,
    string? TimeInForce, bool? PostOnly, bool? ReduceOnly, string? ClientOrderId, string? SelfTradePrevention);

/// <param name="Size">The new open (unfilled) size; what was filled stays filled.</param>
public sealed record AmendOrderRequest(string? Price, string? Size);

/// <param name="Liquidity">"maker" or "taker".</param>
public sealed record FillResponse(long TradeId, long OrderId, string? ClientOrderId, string Symbol, string Side, string Price,
    string Size, string Liquidity, long Time);

/// <param name="Status">new, partially_filled, filled, cancelled or expired.</param>
public sealed record OrderResponse(long OrderId, string? ClientOrderId, string Symbol, string Side, string Type, string? Price,
    string Size, string FilledSize, string? AveragePrice, string Status, string TimeInForce, bool PostOnly, bool ReduceOnly,
    string SelfTradePrevention, long CreatedAt, long UpdatedAt, FillResponse[] Fills);

public sealed record CancelledOrderResponse(long OrderId, string Symbol, string Side, string Price, string CancelledSize);

public sealed record CancelAllResponse(CancelledOrderResponse[] Cancelled);

/// <param name="LiquidationPrice">The mark at which this market would liquidate the account, the other markets' marks staying
/// where they are (cross margin); null when no price would, or with no position.</param>
public sealed record PositionResponse(string Symbol, string Size, string? EntryPrice, string? MarkPrice, string UnrealisedPnl, int OpenOrders,
    string? LiquidationPrice = null);

/// <param name="MarginUsed">Initial margin of positions and open orders.</param>
/// <param name="MarginRatio">Maintenance margin over equity (a decimal fraction; liquidation at 1 and above; null when equity is gone).</param>
/// <param name="Liquidating">A liquidation of the account is in progress.</param>
public sealed record AccountResponse(long AccountId, string Collateral, string Equity, string MarginUsed, string MaintenanceMargin,
    string Available, string FeesPaid, string RealisedPnl, PositionResponse[] Positions, string? MarginRatio = null, bool Liquidating = false);

public sealed record TransferRequest(string Amount, string TransferId);

/// <param name="Duplicate">True when the transfer id was already applied (nothing moved this time).</param>
public sealed record TransferResponse(long AccountId, string TransferId, string Kind, string Amount, bool Duplicate, string Collateral);

/// <summary>Orders for <c>POST /api/v1/orders/batch</c>: each item is a <see cref="PlaceOrderRequest"/>.</summary>
public sealed record PlaceBatchRequest(PlaceOrderRequest[] Orders);

/// <param name="Symbol">The market of the items that name none.</param>
public sealed record CancelBatchRequest(string? Symbol, CancelBatchItem[] Orders);

/// <summary>One order to cancel: by orderId, or else by clientOrderId.</summary>
public sealed record CancelBatchItem(string? Symbol, long? OrderId, string? ClientOrderId);

/// <summary>
/// One item's outcome in a batch: the HTTP status the same request alone would have had (201 placed, 200 a repeated
/// clientOrderId or a cancel), with the order, or the problem (<c>code</c> as for a single request).
/// </summary>
public sealed record BatchItemResponse(int Status, OrderResponse? Order, Microsoft.AspNetCore.Mvc.ProblemDetails? Error)
{
    public static BatchItemResponse Failed(Errors.ApiError error) => new(error.Status, null, error.ToProblemDetails());
}

public sealed record BatchResponse(BatchItemResponse[] Orders);

/// <summary>
/// A conditional order for <c>POST /api/v1/conditional-orders</c>: the fields of <see cref="PlaceOrderRequest"/> (the order it
/// places when it fires) and its trigger: stop, take_profit or trailing_stop; by the mark or the last price.
/// </summary>
public sealed record PlaceConditionalRequest(string Symbol, string Side, string Type, string? Price, string Size,
    string? TimeInForce, bool? ReduceOnly, string? ClientOrderId, string? SelfTradePrevention, string Trigger, string? TriggerPrice,
    string? TriggerBy, int? CallbackBps);

/// <param name="Status">pending (waiting for its trigger) or cancelled; once it fires it is an ordinary order, found by its clientOrderId.</param>
/// <param name="TrailingTrigger">A trailing stop's trigger level now (null before it has seen a price).</param>
public sealed record ConditionalOrderResponse(long ConditionalId, string? ClientOrderId, string Symbol, string Status, string Trigger,
    string TriggerBy, string? TriggerPrice, int? CallbackBps, string? TrailingTrigger, string? Side, string? Type, string? Price,
    string? Size, string? TimeInForce, bool ReduceOnly, long CreatedAt);
