using Exchange.Matching;
using Orleans.Concurrency;

namespace Exchange.Accounts;

/// <summary>
/// Receives one account's order and fill updates (the gateway's private WebSocket channels). Subscriptions lapse
/// unless renewed (see <see cref="IAccountGrain.Subscribe"/>); updates are sent one way and may be lost, which
/// <see cref="AccountUpdate.Previous"/> lets the receiver notice.
/// </summary>
public interface IAccountObserver : IGrainObserver
{
    [OneWay]
    Task OnAccountEvents(AccountUpdate update);
}

/// <summary>
/// What one account just applied in one market: its committed events after its event at <see cref="Previous"/>, in
/// sequence order, and any order the market or the account refused (those change nothing, so take no sequence).
/// </summary>
[GenerateSerializer, Immutable, Alias("AccountUpdate")]
public sealed record AccountUpdate(long AccountId, string Symbol, long Previous, MarketEvent[] Events, RejectedOrder[] Rejected);

/// <summary>An order refused by the account (<see cref="AccountReason"/>) or by the market (<see cref="MarketReason"/>).</summary>
[GenerateSerializer, Immutable, Alias("RejectedOrder")]
public sealed record RejectedOrder(PlaceOrder Order, AccountReject AccountReason, RejectReason MarketReason);
