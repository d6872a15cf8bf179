namespace Exchange.Matching;

/// <summary>A new order. Market orders carry Price 0; the book prices them from its protection band.</summary>
[GenerateSerializer, Immutable, Alias("PlaceOrder")]
public readonly record struct PlaceOrder(
    long AccountId,
    Side Side,
    OrderType Type,
    long Price,
    long Size,
    TimeInForce TimeInForce = TimeInForce.GoodTillCancel,
    OrderFlags Flags = OrderFlags.None,
    SelfTradePrevention SelfTradePrevention = SelfTradePrevention.CancelTaker,
    string? ClientOrderId = null);

/// <summary>Cancel one order of the account, named by OrderId (non-zero) or else by ClientOrderId.</summary>
[GenerateSerializer, Immutable, Alias("CancelOrder")]
public readonly record struct CancelOrder(long AccountId, long OrderId, string? ClientOrderId = null);

/// <summary>
/// Change a resting order's price and remaining size. Only a smaller size at the same price keeps time priority;
/// anything else re-queues the order, and a new price that crosses trades like a new order would.
/// <paramref name="ExpectedRemaining"/> (0: no condition) makes it a compare-and-set: the amend applies only if the
/// order's open size is still what the caller read, so a fill in between never lets an amend regrow what was filled.
/// </summary>
[GenerateSerializer, Immutable, Alias("AmendOrder")]
public readonly record struct AmendOrder(long AccountId, long OrderId, string? ClientOrderId, long NewPrice, long NewSize, long ExpectedRemaining = 0);
