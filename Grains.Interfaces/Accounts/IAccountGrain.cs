using Exchange.Markets;
using Exchange.Matching;
using Orleans.Concurrency;

namespace Exchange.Accounts;

/// <summary>
/// One trading account, keyed by account id: collateral, positions and orders across all markets, with cross
/// margin. Orders reach markets only through here, after the pre-trade check. Transfers are durable when they
/// return Applied. Fills arrive from the markets in each market's sequence order and are applied exactly once.
/// A command or transfer that throws an <see cref="UnavailableException"/> was not applied: the account throws one only
/// before it sent or wrote anything (a market or store it needs cannot answer, or it is reloading); any other failure
/// may have left the command applied, and is settled by asking with its client order id or transfer id.
/// </summary>
public interface IAccountGrain : IGrainWithIntegerKey
{
    /// <summary>Checks margin, then sends the order. The outcome is the market's (durable when Committed).</summary>
    Task<AccountOrderResult> PlaceOrder(string symbol, PlaceOrder order);

    Task<AccountOrderResult> CancelOrder(string symbol, CancelOrder cancel);

    Task<AccountOrderResult> AmendOrder(string symbol, AmendOrder amend);

    Task<AccountOrderResult> CancelAll(string symbol);

    /// <summary>
    /// Places several orders in one market: each is checked against margin in the order given (each sees the ones before
    /// it reserved), then all go to the market together, so that they usually share one journal batch. One result per
    /// order, in order, each as <see cref="PlaceOrder"/> answers it (durable when its outcome is Committed).
    /// </summary>
    Task<AccountOrderResult[]> PlaceOrders(string symbol, PlaceOrder[] orders);

    /// <summary>Cancels several orders in one market, sent together; one result per cancel, in order, as <see cref="CancelOrder"/>.</summary>
    Task<AccountOrderResult[]> CancelOrders(string symbol, CancelOrder[] cancels);

    /// <summary>
    /// Sends a conditional order (stop, take-profit, trailing stop) to the market, which holds it until its trigger is
    /// reached; it reserves no margin until then, when the account places the order it carries like any new order. The
    /// outcome is the market's (durable when Committed).
    /// </summary>
    Task<AccountOrderResult> PlaceConditional(string symbol, ConditionalTerms terms);

    /// <summary>Cancels a conditional order that has not fired, by id (non-zero) or else by client order id.</summary>
    Task<AccountOrderResult> CancelConditional(string symbol, long conditionalId, string? clientOrderId);

    /// <summary>Credits collateral once per transfer id; durable when it returns.</summary>
    Task<TransferResult> Deposit(long amount, string transferId);

    /// <summary>Debits collateral once per transfer id if the margin rules allow; durable when it returns.</summary>
    Task<TransferResult> Withdraw(long amount, string transferId);

    [ResponseTimeout(Hosting.ShortWait.Timeout)]
    Task<AccountView> GetView();

    /// <summary>
    /// The view once the account has applied a market's events through <paramref name="sequence"/>: if its cursor there is
    /// before that, it first asks the market for what it missed (a push that was lost, or has not arrived yet). For the
    /// liquidation engine reading the insurance fund, whose loss cap must count every takeover already committed.
    /// </summary>
    Task<AccountView> GetViewAfter(string symbol, long sequence);

    /// <summary>For the conservation audit: the account brought up to date with every market, valued at the given marks.</summary>
    Task<AccountAudit> Audit(Dictionary<string, long> marks);

    /// <summary>
    /// The risk view found this account under maintenance (one-way). The account checks at fresh marks and, if it is
    /// under, liquidates: cancels its orders, closes through the book no worse than the bankruptcy price, then the fund,
    /// then auto-deleveraging. A second call while one liquidation runs does nothing.
    /// </summary>
    [OneWay]
    Task CheckLiquidation();

    /// <summary>Sends the account's risk row to its shard now (one-way): a shard that started again asks its accounts.</summary>
    [OneWay]
    Task ReportRisk();

    /// <summary>A market's committed events for this account (one-way: a market never waits for an account).</summary>
    [OneWay]
    Task OnMarketEvents(AccountEvents events);

    /// <summary>Sends the account's updates to the observer until it unsubscribes or fails to renew within a few minutes.</summary>
    Task Subscribe(IAccountObserver observer);

    Task Unsubscribe(IAccountObserver observer);
}

/// <summary>
/// A market's events for one account, following that account's event at <see cref="Previous"/> (-1: unknown), with
/// the market's mark when they were sent. <see cref="CompleteThrough"/>: the market vouches that the account has no
/// other events up to that sequence, so its cursor may move there (0: no such promise).
/// </summary>
[GenerateSerializer, Immutable, Alias("AccountEvents")]
public sealed record AccountEvents(string Symbol, long Previous, MarketEvent[] Events, MarkReport Mark = default, long CompleteThrough = 0);

[GenerateSerializer, Immutable, Alias("AccountOrderResult")]
public sealed record AccountOrderResult(AccountReject Reject, CommandOutcome? Outcome)
{
    public static AccountOrderResult Refused(AccountReject reject) => new(reject, null);
}

[GenerateSerializer, Immutable, Alias("TransferResult")]
public sealed record TransferResult(AccountReject Reject, bool Duplicate, long Collateral);

/// <param name="SettledSequence">The market sequence up to which this account has applied its events there.</param>
/// <param name="LiquidationPrice">The mark (ticks) at which this market would liquidate the account, the other markets'
/// marks staying where they are (0: no price in the market's range would, or no position).</param>
[GenerateSerializer, Immutable, Alias("PositionView")]
public sealed record PositionView(string Symbol, long Size, long Cost, long MarkPrice, long UnrealisedPnl, long OpenOrders,
    long SettledSequence, long LiquidationPrice = 0);

/// <param name="MarginRatioPpm">Maintenance margin over equity in parts per million: liquidation at 1,000,000 and above.</param>
/// <param name="Liquidating">A liquidation of this account is in progress.</param>
/// <param name="RealisedBySymbol">The PnL realised in each market the account has been in (an insurance fund's loss cap
/// counts it, whether or not the fund holds a position there now).</param>
[GenerateSerializer, Immutable, Alias("AccountView")]
public sealed record AccountView(long AccountId, long Collateral, long Equity, long InitialMargin, long MaintenanceMargin,
    long Available, long FeesPaid, long RealisedPnl, PositionView[] Positions, long MarginRatioPpm = 0, bool Liquidating = false,
    long FundingPaid = 0, Dictionary<string, long>? RealisedBySymbol = null)
{
    /// <summary>The PnL realised in <paramref name="symbol"/> (0: none, or never there).</summary>
    public long RealisedIn(string symbol) => RealisedBySymbol?.GetValueOrDefault(symbol) ?? 0;

    /// <summary>The PnL in <paramref name="symbol"/>: realised there, and what the position there gains or loses at the view's mark.</summary>
    public long PnlIn(string symbol) => checked((Positions.FirstOrDefault(p => p.Symbol == symbol)?.UnrealisedPnl ?? 0) + RealisedIn(symbol));
}

[GenerateSerializer, Immutable, Alias("AccountAudit")]
public sealed record AccountAudit(long AccountId, long Collateral, long UnrealisedPnl, long Deposited, long Withdrawn,
    long FeesPaid, Dictionary<string, long> Positions, long FundingPaid = 0);
