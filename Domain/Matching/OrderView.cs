namespace Exchange.Matching;

/// <summary>A resting order as queries see it.</summary>
[GenerateSerializer, Immutable, Alias("OrderView")]
public readonly record struct OrderView(
    long OrderId,
    long AccountId,
    Side Side,
    long Price,
    long Remaining,
    long Filled,
    TimeInForce TimeInForce,
    OrderFlags Flags,
    SelfTradePrevention SelfTradePrevention,
    string? ClientOrderId,
    long AcceptedAt);

[GenerateSerializer, Immutable, Alias("PriceLevel")]
public readonly record struct PriceLevel(long Price, long Size, int OrderCount);
