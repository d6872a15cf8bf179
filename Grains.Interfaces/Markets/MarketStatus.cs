using Exchange.Matching;

namespace Exchange.Markets;

[GenerateSerializer, Immutable, Alias("MarketStatus")]
public sealed record MarketStatus(string Symbol, MarketMode Mode, long Sequence, ulong StateHash, int RestingOrders);

public enum OrderState : byte
{
    /// <summary>No order with that id (or client order id) was ever accepted here.</summary>
    Unknown,
    /// <summary>Resting in the book; <see cref="OrderLookup.Order"/> has its details.</summary>
    Open,
    /// <summary>Accepted, and since filled or cancelled.</summary>
    Closed,
}

[GenerateSerializer, Immutable, Alias("OrderLookup")]
public sealed record OrderLookup(OrderState State, long OrderId, OrderView? Order);
