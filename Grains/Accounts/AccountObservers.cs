using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Exchange.Accounts;

/// <summary>
/// The account's observers (the gateway's private channels): every event the ledger applies, and every order refused,
/// is sent to them one way after it is applied, so they only ever see what the account has settled. An observer that
/// does not renew its subscription within <see cref="SubscriptionLifetime"/> is dropped.
/// </summary>
internal sealed class AccountObservers(long accountId, ILogger logger)
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);

    private ObserverManager<IAccountObserver>? _observers;

    public void Subscribe(IAccountObserver observer) =>
        (_observers ??= new(SubscriptionLifetime, logger)).Subscribe(observer, observer);

    public void Unsubscribe(IAccountObserver observer) => _observers?.Unsubscribe(observer);

    /// <summary>Tells the observers what the ledger applied of a batch it had applied up to <paramref name="before"/>.</summary>
    public void Applied(string symbol, long before, MarketEvent[] events)
    {
        if (_observers is not { Count: > 0 } observers) return;
        var applied = events.Where(e => e.Sequence > before).ToArray();
        if (applied.Length == 0) return;
        var update = new AccountUpdate(accountId, symbol, before, applied, []);
        observers.Notify(o => o.OnAccountEvents(update));
    }

    /// <summary>Tells the observers about a refused order (the account's own refusal, or the market's rejection).</summary>
    public void NotifyIfRejected(MarketExposure? exposure, PlaceOrder order, AccountOrderResult result)
    {
        // An order for a market that does not exist concerns no market the observers could look up.
        if (_observers is not { Count: > 0 } observers || exposure is null) return;
        var marketReason = result.Outcome is { Status: CommandStatus.Committed, Rejection: var reason } ? reason : RejectReason.None;
        if (result.Reject == AccountReject.None && marketReason == RejectReason.None) return;
        // A repeated client order id is the original order answering again, not a new order refused.
        if (marketReason == RejectReason.DuplicateClientOrderId) return;
        var update = new AccountUpdate(accountId, exposure.Spec.Symbol, exposure.Cursor, [], [new RejectedOrder(order, result.Reject, marketReason)]);
        observers.Notify(o => o.OnAccountEvents(update));
    }
}
