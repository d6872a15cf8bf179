using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>The answers to a market's queries, read from its book as it is now; the grain decides when they may be given.</summary>
internal static class MarketViews
{
    public static MarketStatus Status(string symbol, FastOrderBook book) =>
        new(symbol, book.Mode, book.Sequence, book.StateHash(), book.RestingOrderCount);

    public static MarketSummary Summary(string symbol, FastOrderBook book) =>
        new(symbol, book.Mode, book.Sequence, book.RestingOrderCount, book.Terms, book.Positions.OpenInterest);

    public static BookView Depth(string symbol, FastOrderBook book, int depth)
    {
        depth = Math.Clamp(depth, 1, 10_000);
        List<PriceLevel> bids = [], asks = [];
        book.CopyDepth(Side.Buy, depth, bids);
        book.CopyDepth(Side.Sell, depth, asks);
        return new BookView(symbol, book.Sequence, book.Mode, [.. bids], [.. asks]);
    }

    public static BreakerView Breaker(string symbol, FastOrderBook book)
    {
        var reference = book.Terms.BreakerReference(book.LastTradePrice);
        AuctionIndication? indicative = book.Mode == MarketMode.Auction && book.TryIndicate(reference, out var indication) ? indication : null;
        return new BreakerView(symbol, book.Mode, book.Sequence, book.Terms, reference, indicative);
    }

    public static OrderLookup Order(FastOrderBook book, long orderId) =>
        book.TryGetOrder(orderId, out var order) ? new OrderLookup(OrderState.Open, orderId, order)
        : orderId > 0 && orderId < book.NextOrderId ? new OrderLookup(OrderState.Closed, orderId, null)
        : new OrderLookup(OrderState.Unknown, orderId, null);

    public static OrderLookup OrderByClientId(FastOrderBook book, long accountId, string clientOrderId) =>
        book.TryGetOrderId(accountId, clientOrderId, out var orderId) ? Order(book, orderId) : new OrderLookup(OrderState.Unknown, 0, null);

    public static OrderView[] OpenOrders(FastOrderBook book, long accountId) =>
        book.RestingOrders(Side.Buy).Concat(book.RestingOrders(Side.Sell)).Where(o => o.AccountId == accountId).ToArray();

    /// <summary>Every level of the book: an uncross may change all of them, in ways its events do not locate.</summary>
    public static IEnumerable<LevelChange> AllLevels(FastOrderBook book)
    {
        foreach (var side in (Side[])[Side.Buy, Side.Sell])
        {
            var levels = new List<PriceLevel>();
            book.CopyDepth(side, int.MaxValue, levels);
            foreach (var level in levels) yield return new LevelChange(side, level.Price, level.Size);
        }
    }
}
