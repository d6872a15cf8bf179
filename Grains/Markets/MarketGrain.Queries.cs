using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// Queries. Each reads the book now and answers once everything the book holds is committed, so an answer never
/// shows state that a failed write could still take back.
/// </summary>
public sealed partial class MarketGrain
{
    public Task<MarketSpec?> GetSpec() => Task.FromResult(_book?.Spec);

    public Task<MarketStatus> GetStatus() =>
        Answer(book => new MarketStatus(Symbol, book.Mode, book.Sequence, book.StateHash(), book.RestingOrderCount));

    public Task<MarketSummary> GetSummary() =>
        Answer(book => new MarketSummary(Symbol, book.Mode, book.Sequence, book.RestingOrderCount, book.Terms));

    public Task<BookView> GetBook(int depth) => Answer(book =>
    {
        depth = Math.Clamp(depth, 1, 10_000);
        List<PriceLevel> bids = [], asks = [];
        book.CopyDepth(Side.Buy, depth, bids);
        book.CopyDepth(Side.Sell, depth, asks);
        return new BookView(Symbol, book.Sequence, book.Mode, [.. bids], [.. asks]);
    });

    public Task<BreakerView> GetBreaker() => Answer(book =>
    {
        var reference = book.Terms.BreakerReference(book.LastTradePrice);
        AuctionIndication? indicative = book.Mode == MarketMode.Auction && book.TryIndicate(reference, out var indication) ? indication : null;
        return new BreakerView(Symbol, book.Mode, book.Sequence, book.Terms, reference, indicative);
    });

    public async Task<PublicTrade[]> GetRecentTrades(int limit)
    {
        await ReadyForQuery();
        return [.. _recentTrades.Reverse().Take(Math.Clamp(limit, 0, _options.RecentTrades))];
    }

    public Task<OrderLookup> GetOrder(long orderId) => Answer(book => Lookup(book, orderId));

    public Task<OrderLookup> GetOrderByClientId(long accountId, string clientOrderId) => Answer(book =>
        book.TryGetOrderId(accountId, clientOrderId, out var orderId) ? Lookup(book, orderId) : new OrderLookup(OrderState.Unknown, 0, null));

    public Task<OrderView[]> GetOpenOrders(long accountId) => Answer(book =>
        book.RestingOrders(Side.Buy).Concat(book.RestingOrders(Side.Sell)).Where(o => o.AccountId == accountId).ToArray());

    public Task Subscribe(IMarketDataObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IMarketDataObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private static OrderLookup Lookup(FastOrderBook book, long orderId) =>
        book.TryGetOrder(orderId, out var order) ? new OrderLookup(OrderState.Open, orderId, order)
        : orderId > 0 && orderId < book.NextOrderId ? new OrderLookup(OrderState.Closed, orderId, null)
        : new OrderLookup(OrderState.Unknown, orderId, null);

    private async Task<T> Answer<T>(Func<FastOrderBook, T> read)
    {
        var book = await ReadyForQuery();
        var answer = read(book);
        var batch = _writer.Open;
        batch.AddWaiter();
        var status = await _writer.Committed(batch);
        return status == CommandStatus.Committed ? answer : throw new MarketUnavailableException(batch.Error ?? "not committed");
    }
}
