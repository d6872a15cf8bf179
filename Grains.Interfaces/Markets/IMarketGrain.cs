using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// One market, keyed by symbol. Every command's outcome is returned only once its events are committed to the
/// journal (status Committed), so an acknowledged command survives any silo failure. Queries answer from
/// committed state.
/// </summary>
public interface IMarketGrain : IGrainWithStringKey
{
    /// <summary>Runs one command. Durable when the status is Committed.</summary>
    Task<CommandOutcome> Execute(MarketCommand command);

    /// <summary>Runs commands in order, all in the same journal batch. Each outcome is durable when Committed.</summary>
    Task<CommandOutcome[]> ExecuteBatch(MarketCommand[] commands);

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<MarketSpec?> GetSpec();

    /// <summary>Mode, sequence and size of the book, with the state hash: reads the whole book, for tests and operators.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<MarketStatus> GetStatus();

    /// <summary>Mode, sequence and size of the book, in constant time: what the API and status pages ask.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<MarketSummary> GetSummary();

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<BookView> GetBook(int depth);

    /// <summary>How long this activation's journal writes took (an operator's view of what every command waits for).</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<JournalStats> GetJournalStats();

    /// <summary>
    /// The breaker's state: rules, reference, and in an auction the indicative uncross computed from the book by the
    /// rule the uncross itself uses (costs the crossed part of the book: cheap enough for a public read).
    /// </summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<BreakerView> GetBreaker();

    /// <summary>
    /// The breaker's reopen: if the market is still in the auction its breaker started, its index (if any) trusted and
    /// the indicative price within the collar, uncrosses (journaled <see cref="ReopenCommand"/>, actor breaker) and puts
    /// back the rules the breaker had widened, in the same batch; otherwise says why not and changes nothing. Checked and
    /// run on one turn, so the uncross trades exactly what was checked. Durable when it returns.
    /// </summary>
    Task<Breakers.ReopenAnswer> ReopenByBreaker(Breakers.BreakerReopen request);

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<PublicTrade[]> GetRecentTrades(int limit);

    /// <summary>The latest liquidation steps in this market (book, fund, deleveraging, fee), newest first.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<LiquidationRecord[]> GetLiquidations(int limit);

    /// <summary>The liquidation steps after sequence <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<LiquidationPage> GetLiquidationsAfter(long after, int limit);

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<OrderLookup> GetOrder(long orderId);

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<OrderLookup> GetOrderByClientId(long accountId, string clientOrderId);

    /// <summary>
    /// Which of these orders the market does not know (their positions in the list): a reconciliation of a record of
    /// acknowledged orders kept elsewhere. A client order id is remembered while its order rests and for the market's
    /// next 1,000,000 orders after.
    /// </summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<int[]> UnknownClientOrders(ClientOrderRef[] orders);

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<OrderView[]> GetOpenOrders(long accountId);

    /// <summary>The account's conditional orders that have not fired, in the order they were accepted.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<ConditionalOrder[]> GetConditionalOrders(long accountId);

    /// <summary>
    /// The accounts holding a position here whose risk shard is <paramref name="shard"/> of <paramref name="shards"/> (account
    /// id mod shards): a risk shard that starts again (its silo died) asks, and has them report, rather than wait for them.
    /// </summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<long[]> GetPositionHolders(int shard, int shards);

    /// <summary>Committed events of one account after a sequence, in order (for accounts catching up).</summary>
    Task<Accounts.AccountEvents> GetAccountEvents(long accountId, long afterSequence);

    /// <summary>
    /// The account's recent events here, from memory only (never the journal): its history for queries, complete
    /// after <see cref="Accounts.AccountEvents.Previous"/> (0: complete from the market's start). Bounded by what the
    /// market keeps (MarketOptions.RecentEvents), also after a restart.
    /// </summary>
    Task<Accounts.AccountEvents> GetAccountHistory(long accountId);

    /// <summary>
    /// One order of the account, as its own events from its acceptance on (acceptance, fills, amendments, its end): from
    /// memory while memory holds them, else read from the journal, so an order is described however long ago it
    /// closed. Empty when the order is not the account's, or unknown.
    /// </summary>
    Task<Matching.MarketEvent[]> GetOrderEvents(long accountId, long orderId);

    /// <summary>The committed mark price: the journaled mark if one is set, else the last committed trade price (0: none yet).</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<long> GetMarkPrice();

    /// <summary>The committed mark with the sequence it holds at, and the latest market-wide event.</summary>
    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<MarkReport> GetMark();

    /// <summary>
    /// Sets (price &gt; 0) or clears (0) the mark price by journaling a <see cref="SetMarkPriceCommand"/>; durable when
    /// it returns. Throws <see cref="ArgumentOutOfRangeException"/> for a price outside the market's range.
    /// </summary>
    Task SetMarkPrice(long price);

    /// <summary>
    /// Takes a reading of the index the market follows (ignored for a market that follows none or another index):
    /// journaled as an index tick, which sets the mark and may change the mode (a stale index puts the market in
    /// its safe mode; a fresh one reopens it through an auction). Durable when it returns.
    /// </summary>
    Task ApplyIndex(Oracles.IndexUpdate update);

    /// <summary>Subscribes to committed market data; subscriptions lapse unless renewed within a few minutes.</summary>
    Task Subscribe(IMarketDataObserver observer);

    Task Unsubscribe(IMarketDataObserver observer);
}

/// <summary>The market cannot answer now (unknown, recovering, or its journal is unreachable); nothing was changed.</summary>
[GenerateSerializer, Alias("MarketUnavailableException")]
public sealed class MarketUnavailableException(string message) : UnavailableException(message);
