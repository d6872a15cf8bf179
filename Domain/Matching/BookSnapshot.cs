namespace Exchange.Matching;

/// <summary>
/// Everything that decides a book's future behaviour, in a form that either book can be rebuilt from: resting
/// orders of each side in priority order, the counters, the client-order-id map and the market's terms (null: the
/// spec's initial terms, as snapshots taken before terms existed hold), and the recent trades the velocity rule
/// measures against (oldest first; null or empty: none), and the conditional orders of the trigger book in id order with
/// the id the next one gets (null: none, as snapshots taken before conditional orders existed hold), and every account's
/// position in account id order (null: not known, as snapshots taken before the book counted positions hold; such a
/// snapshot cannot vouch for open interest, so recovery replays the journal from the start instead).
/// </summary>
public sealed record BookSnapshot(
    MarketMode Mode,
    long Sequence,
    long NextOrderId,
    OrderView[] Bids,
    OrderView[] Asks,
    ClientOrderIdEntry[] ClientOrderIds,
    long LastTradePrice = 0,
    MarketTerms? Terms = null,
    RecentTrade[]? RecentTrades = null,
    ConditionalOrder[]? Conditionals = null,
    long NextConditionalId = 1,
    PositionEntry[]? Positions = null);

public readonly record struct ClientOrderIdEntry(long AccountId, string ClientOrderId, long OrderId);
