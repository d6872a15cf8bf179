using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// Conditional orders (held by the market until they fire, then placed from here like any new order), and several
/// orders or cancels in one call: the gateway makes one grain call for a batch, and the market, which commits
/// whatever commands arrive while a write is in flight as one batch, usually journals them together.
/// </summary>
public sealed partial class AccountGrain
{
    public async Task<AccountOrderResult[]> PlaceOrders(string symbol, PlaceOrder[] orders)
    {
        if (orders.Length == 0) return [];
        // Joining the market and a fresh mark first: then each order below runs its check and reservation without
        // waiting, in the order given, before the next one starts (the grain is reentrant, but its turns are in order).
        if (!_health.Stopped && await _markets.Enter(symbol) is not null) await _markets.Marks(MarkAge.RecentEnough, symbol);
        var placing = new Task<AccountOrderResult>[orders.Length];
        for (var i = 0; i < orders.Length; i++) placing[i] = Guarded(PlaceOrder(symbol, orders[i]));
        return await Task.WhenAll(placing);
    }

    /// <summary>Nothing is reserved: a conditional order is checked like a new order when it fires (see <see cref="PlaceTriggered"/>).</summary>
    public Task<AccountOrderResult> PlaceConditional(string symbol, ConditionalTerms terms) =>
        Forward(symbol, new PlaceConditionalCommand(terms with { Order = terms.Order with { AccountId = AccountId } }));

    public Task<AccountOrderResult> CancelConditional(string symbol, long conditionalId, string? clientOrderId) =>
        Forward(symbol, new CancelConditionalCommand(AccountId, conditionalId, clientOrderId));

    private async Task PlaceTriggered(string symbol, PlaceOrder order)
    {
        try
        {
            await PlaceOrder(symbol, order);
        }
        catch (Exception ex)
        {
            // Its trigger stays journaled; the account's private channel shows what became of the order, if anything.
            logger.TriggeredOrderFailed(AccountId, symbol, order.ClientOrderId, ex);
        }
    }

    public async Task<AccountOrderResult[]> CancelOrders(string symbol, CancelOrder[] cancels)
    {
        var cancelling = new Task<AccountOrderResult>[cancels.Length];
        for (var i = 0; i < cancels.Length; i++) cancelling[i] = Guarded(CancelOrder(symbol, cancels[i]));
        return await Task.WhenAll(cancelling);
    }

    // One order's failure must not hide the others' outcomes: a call that threw is reported as unknown, as the gateway
    // reports a single order whose call threw.
    private static async Task<AccountOrderResult> Guarded(Task<AccountOrderResult> call)
    {
        try { return await call; }
        catch (Exception ex) { return new(AccountReject.None, CommandOutcome.Unknown($"the market did not answer ({ex.GetType().Name})")); }
    }
}
