namespace Exchange.Matching;

/// <summary>
/// Everything that decides a book's future behaviour, in a form that either book can be rebuilt from: resting
/// orders of each side in priority order, the counters, the client-order-id map and the market's terms (null: the
/// spec's initial terms, as snapshots taken before terms existed hold).
/// </summary>
public sealed record BookSnapshot(
    MarketMode Mode,
    long Sequence,
    long NextOrderId,
    OrderView[] Bids,
    OrderView[] Asks,
    ClientOrderIdEntry[] ClientOrderIds,
    long LastTradePrice = 0,
    MarketTerms? Terms = null);

public readonly record struct ClientOrderIdEntry(long AccountId, string ClientOrderId, long OrderId);
