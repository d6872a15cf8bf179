using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// Queries. Each reads the book now and answers once everything the book holds is committed, so an answer never
/// shows state that a failed write could still take back.
/// </summary>
public sealed partial class MarketGrain
{
    public Task<MarketSpec?> GetSpec() => Task.FromResult(_book?.Spec);

    public Task<MarketStatus> GetStatus() => Answer(book => MarketViews.Status(Symbol, book));

    public Task<MarketSummary> GetSummary() => Answer(book => MarketViews.Summary(Symbol, book));

    public Task<BookView> GetBook(int depth) => Answer(book => MarketViews.Depth(Symbol, book, depth));

    public Task<BreakerView> GetBreaker() => Answer(book => MarketViews.Breaker(Symbol, book));

    public Task<JournalStats> GetJournalStats() => Task.FromResult(_writer.Times.Stats());

    public async Task<PublicTrade[]> GetRecentTrades(int limit)
    {
        await ReadyForQuery();
        return _trades.Latest(limit);
    }

    public async Task<LiquidationRecord[]> GetLiquidations(int limit)
    {
        await ReadyForQuery();
        return _liquidations.Latest(limit);
    }

    public async Task<LiquidationPage> GetLiquidationsAfter(long after, int limit)
    {
        await ReadyForQuery();
        return _liquidations.After(after, limit);
    }

    public Task<OrderLookup> GetOrder(long orderId) => Answer(book => MarketViews.Order(book, orderId));

    public Task<OrderLookup> GetOrderByClientId(long accountId, string clientOrderId) =>
        Answer(book => MarketViews.OrderByClientId(book, accountId, clientOrderId));

    public Task<int[]> UnknownClientOrders(ClientOrderRef[] orders) =>
        Answer(book => Enumerable.Range(0, orders.Length).Where(i => !book.TryGetOrderId(orders[i].AccountId, orders[i].ClientOrderId, out _)).ToArray());

    public Task<OrderView[]> GetOpenOrders(long accountId) => Answer(book => MarketViews.OpenOrders(book, accountId));

    public Task<long[]> GetPositionHolders(int shard, int shards) =>
        shards <= 0 || shard < 0 || shard >= shards ? Task.FromResult<long[]>([])
            : Answer(book => book.Positions.Holders(id => Risk.RiskOptions.ShardOf(id, shards) == shard));

    public Task<ConditionalOrder[]> GetConditionalOrders(long accountId) =>
        Answer(book => book.Triggers.Orders.Where(o => o.AccountId == accountId).ToArray());

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
