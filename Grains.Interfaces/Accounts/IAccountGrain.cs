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

    /// <summary>Credits collateral once per transfer id; durable when it returns.</summary>
    Task<TransferResult> Deposit(long amount, string transferId);

    /// <summary>Debits collateral once per transfer id if the margin rules allow; durable when it returns.</summary>
    Task<TransferResult> Withdraw(long amount, string transferId);

    Task<AccountView> GetView();

    /// <summary>For the conservation audit: the account brought up to date with every market, valued at the given marks.</summary>
    Task<AccountAudit> Audit(Dictionary<string, long> marks);

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
[GenerateSerializer, Immutable, Alias("PositionView")]
public sealed record PositionView(string Symbol, long Size, long Cost, long MarkPrice, long UnrealisedPnl, long OpenOrders,
    long SettledSequence);

[GenerateSerializer, Immutable, Alias("AccountView")]
public sealed record AccountView(long AccountId, long Collateral, long Equity, long InitialMargin, long MaintenanceMargin,
    long Available, long FeesPaid, long RealisedPnl, PositionView[] Positions);

[GenerateSerializer, Immutable, Alias("AccountAudit")]
public sealed record AccountAudit(long AccountId, long Collateral, long UnrealisedPnl, long Deposited, long Withdrawn,
    long FeesPaid, Dictionary<string, long> Positions);
