namespace Exchange.Matching;

/// <summary>
/// Everything that decides a book's future behaviour, in a form that either book can be rebuilt from: resting
/// orders of each side in priority order, the counters, and the client-order-id map.
/// </summary>
public sealed record BookSnapshot(
    MarketMode Mode,
    long Sequence,
    long NextOrderId,
    OrderView[] Bids,
    OrderView[] Asks,
    ClientOrderIdEntry[] ClientOrderIds,
    long LastTradePrice = 0);

public readonly record struct ClientOrderIdEntry(long AccountId, string ClientOrderId, long OrderId);
