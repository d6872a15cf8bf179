using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Exchange.Accounts;

/// <summary>
/// The account's observers (the gateway's private channels): every event the ledger applies, and every order
/// refused, is sent to them one way after it is applied, so they only ever see what the account has settled. An
/// observer that does not renew its subscription within <see cref="SubscriptionLifetime"/> is dropped.
/// </summary>
public sealed partial class AccountGrain
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);

    private ObserverManager<IAccountObserver>? _accountObservers;

    private ObserverManager<IAccountObserver> AccountObservers => _accountObservers ??= new(SubscriptionLifetime, logger);

    public Task Subscribe(IAccountObserver observer)
    {
        AccountObservers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IAccountObserver observer)
    {
        AccountObservers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>The ledger's <see cref="AccountLedger.Apply"/>, telling the observers what it applied.</summary>
    private bool Apply(string symbol, long previous, MarketEvent[] events)
    {
        var before = _ledger.Find(symbol)!.Cursor;
        if (!_ledger.Apply(symbol, previous, events)) return false;
        _eventsSinceSnapshot += events.Length;
        if (_accountObservers is not { Count: > 0 } observers) return true;
        var applied = events.Where(e => e.Sequence > before).ToArray();
        if (applied.Length > 0)
        {
            var update = new AccountUpdate(AccountId, symbol, before, applied, []);
            observers.Notify(o => o.OnAccountEvents(update));
        }
        return true;
    }

    /// <summary>Tells the observers about a refused order (the account's own refusal, or the market's rejection).</summary>
    private void NotifyIfRejected(string symbol, PlaceOrder order, AccountOrderResult result)
    {
        // An order for a market that does not exist concerns no market the observers could look up.
        if (_accountObservers is not { Count: > 0 } observers || _ledger.Find(symbol) is not { } exposure) return;
        var marketReason = result.Outcome is { Status: CommandStatus.Committed, Rejection: var reason } ? reason : RejectReason.None;
        if (result.Reject == AccountReject.None && marketReason == RejectReason.None) return;
        // A repeated client order id is the original order answering again, not a new order refused.
        if (marketReason == RejectReason.DuplicateClientOrderId) return;
        var update = new AccountUpdate(AccountId, symbol, exposure.Cursor, [], [new RejectedOrder(order, result.Reject, marketReason)]);
        observers.Notify(o => o.OnAccountEvents(update));
    }
}
