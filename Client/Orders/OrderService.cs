using System.Collections.Concurrent;
using Exchange.Accounts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Hosting;
using Exchange.Client.Markets;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Orders;

/// <summary>What a command through an account came to: an order (new or the original of a repeat), or an error.</summary>
public sealed record OrderResult(OrderRecord? Order, ApiError? Error, bool Repeated = false)
{
    public static OrderResult Failed(ApiError error) => new(null, error);
}

/// <summary>
/// Orders of one account: placed and cancelled through its account grain (which checks margin), looked up in the
/// market. An order of another account is never found. One order, however old, is described from its own events
/// (<see cref="IMarketGrain.GetOrderEvents"/>: memory, else the journal); lists of closed orders and fills come from the
/// account's recent events that the market keeps in memory (<see cref="IMarketGrain.GetAccountHistory"/>), so they reach
/// back as far as the market keeps events (MarketOptions.RecentEvents), as venues bound their history queries.
/// </summary>
public sealed class OrderService(IClusterClient cluster, MarketDirectory markets)
{
    // Grain references are immutable and shareable; GetGrain resolves the interface and builds a proxy on every call,
    // which profiling showed on the order path. One entry per account that traded through this gateway.
    private readonly ConcurrentDictionary<long, IAccountGrain> _accounts = new();

    private IAccountGrain Account(long accountId) =>
        _accounts.GetOrAdd(accountId, static (id, c) => c.GetGrain<IAccountGrain>(id), cluster);

    /// <param name="shedRisk">The gateway is shedding load (<see cref="OrderAdmission"/>): refuse the order unless it is reduce-only.</param>
    public async Task<OrderResult> Place(long accountId, MarketSpec spec, PlaceOrder order, bool clientOrderIdGiven, bool shedRisk = false)
    {
        if (shedRisk && AddsRisk(order)) return Shed(order);
        AccountOrderResult result;
        try
        {
            // With the caller's client order id a repeat is answered as the original, so a refused delivery is repeated.
            result = clientOrderIdGiven
                ? await ClusterRetry.Run(() => Account(accountId).PlaceOrder(spec.Symbol, order))
                : await Account(accountId).PlaceOrder(spec.Symbol, order);
        }
        catch (UnavailableException ex)
        {
            return OrderResult.Failed(RejectionErrors.JournalUnavailable(ex.Message).With("clientOrderId", order.ClientOrderId));
        }
        catch (Exception ex)
        {
            return OrderResult.Failed(RejectionErrors.NotAnswered(ex).With("clientOrderId", order.ClientOrderId));
        }
        return await Placed(accountId, spec, order, clientOrderIdGiven, result);
    }

    /// <summary>
    /// Places orders of one market through one account call (each checked in the order given, sent together so that
    /// they usually share a journal batch); one result per order, in order, each as <see cref="Place"/> gives it.
    /// </summary>
    public async Task<OrderResult[]> PlaceMany(long accountId, MarketSpec spec, PlaceOrder[] orders, bool[] clientOrderIdGiven, bool shedRisk = false)
    {
        if (shedRisk && orders.Any(AddsRisk))
        {
            // Only the reduce-only orders go on; each answer keeps its place.
            var kept = Enumerable.Range(0, orders.Length).Where(i => !AddsRisk(orders[i])).ToArray();
            var placed = kept.Length == 0 ? [] : await PlaceMany(accountId, spec, [.. kept.Select(i => orders[i])], [.. kept.Select(i => clientOrderIdGiven[i])]);
            var shed = orders.Select(Shed).ToArray();
            for (var k = 0; k < kept.Length; k++) shed[kept[k]] = placed[k];
            return shed;
        }
        AccountOrderResult[] results;
        try
        {
            results = await Account(accountId).PlaceOrders(spec.Symbol, orders);
        }
        catch (Exception ex)
        {
            return [.. orders.Select(o => OrderResult.Failed(RejectionErrors.NotAnswered(ex).With("clientOrderId", o.ClientOrderId)))];
        }
        var answers = new Task<OrderResult>[orders.Length];
        for (var i = 0; i < orders.Length; i++) answers[i] = Placed(accountId, spec, orders[i], clientOrderIdGiven[i], results[i]);
        return await Task.WhenAll(answers);
    }

    private static bool AddsRisk(PlaceOrder order) => (order.Flags & OrderFlags.ReduceOnly) == 0;

    private static OrderResult Shed(PlaceOrder order) => OrderResult.Failed(OrderAdmission.Overloaded().With("clientOrderId", order.ClientOrderId));

    /// <summary>What the account's answer to a new order means for the caller.</summary>
    private async Task<OrderResult> Placed(long accountId, MarketSpec spec, PlaceOrder order, bool clientOrderIdGiven, AccountOrderResult result)
    {
        if (result.Reject != AccountReject.None)
        {
            // A repeat of an accepted order may be refused by the account's own checks (its margin has moved on since):
            // the repeat still answers with the original order.
            if (clientOrderIdGiven && await FindByClientId(accountId, spec, order.ClientOrderId!) is { } original)
                return new OrderResult(original, null, Repeated: true);
            return OrderResult.Failed(RejectionErrors.For(result.Reject));
        }
        var outcome = result.Outcome!;
        if (outcome.Status != CommandStatus.Committed)
            return OrderResult.Failed(RejectionErrors.For(outcome).With("clientOrderId", order.ClientOrderId));
        if (outcome.Events is [{ Kind: EventKind.OrderRejected } rejected])
        {
            if (rejected.Reject == RejectReason.DuplicateClientOrderId
                && await Find(accountId, spec, rejected.OrderId) is { } original)
                return new OrderResult(original, null, Repeated: true);
            return OrderResult.Failed(RejectionErrors.For(rejected.Reject));
        }
        var history = OrderHistory.Of(spec.Symbol, accountId, outcome.Events);
        return history.Orders.Values.SingleOrDefault() is { } placed
            ? new OrderResult(placed, null)
            : OrderResult.Failed(RejectionErrors.OutcomeUnknown("the market's answer named no order"));
    }

    /// <summary>Cancels by order id (non-zero) or else by client order id; answers with the order as it ends.</summary>
    public async Task<OrderResult> Cancel(long accountId, MarketSpec spec, long orderId, string? clientOrderId)
    {
        // The order as the book shows it just before: one cheap lookup that usually makes the answer, where a cancelled
        // order otherwise needs the account's whole history in the market (every event since it joined).
        var before = await RestingView(accountId, spec, orderId, clientOrderId);
        AccountOrderResult result;
        try
        {
            result = await Account(accountId).CancelOrder(spec.Symbol, new CancelOrder(accountId, orderId, clientOrderId));
        }
        catch (UnavailableException ex)
        {
            return OrderResult.Failed(RejectionErrors.JournalUnavailable(ex.Message));
        }
        catch (Exception ex)
        {
            return OrderResult.Failed(RejectionErrors.NotAnswered(ex));
        }
        return await Cancelled(accountId, spec, before, result);
    }

    /// <summary>Cancels orders of one market through one account call; one result per cancel, in order, as <see cref="Cancel"/>.</summary>
    public async Task<OrderResult[]> CancelMany(long accountId, MarketSpec spec, CancelOrder[] cancels)
    {
        var before = await Task.WhenAll(cancels.Select(c => RestingView(accountId, spec, c.OrderId, c.ClientOrderId)));
        AccountOrderResult[] results;
        try
        {
            results = await Account(accountId).CancelOrders(spec.Symbol, cancels);
        }
        catch (Exception ex)
        {
            return [.. cancels.Select(_ => OrderResult.Failed(RejectionErrors.NotAnswered(ex)))];
        }
        return await Task.WhenAll(results.Select((r, i) => Cancelled(accountId, spec, before[i], r)));
    }

    private async Task<OrderResult> Cancelled(long accountId, MarketSpec spec, OrderView? before, AccountOrderResult result)
    {
        if (Refusal(result) is { } error) return OrderResult.Failed(error);
        var cancelled = result.Outcome!.Events.FirstOrDefault(e => e.Kind == EventKind.OrderCancelled);
        if (before is { } view && UnfilledUntilCancelled(view, cancelled))
            return new OrderResult(OrderRecord.Cancelled(spec.Symbol, view, cancelled), null);
        return await Find(accountId, spec, cancelled.OrderId) is { } order
            ? new OrderResult(order, null)
            : OrderResult.Failed(ApiError.OrderNotFound());
    }

    private async Task<OrderView?> RestingView(long accountId, MarketSpec spec, long orderId, string? clientOrderId)
    {
        var market = markets.Market(spec);
        var lookup = orderId > 0 ? await market.GetOrder(orderId)
            : clientOrderId is not null ? await market.GetOrderByClientId(accountId, clientOrderId) : null;
        return lookup is { State: OrderState.Open, Order: { } view } && view.AccountId == accountId ? view : null;
    }

    // Never filled, and nothing else changed it between the lookup and the cancel: the cancel took all of it, at its price.
    private static bool UnfilledUntilCancelled(in OrderView view, in MarketEvent cancelled) =>
        cancelled.Kind == EventKind.OrderCancelled && cancelled.OrderId == view.OrderId && view.Filled == 0
        && cancelled.Size == view.Remaining && cancelled.Price == view.Price;

    /// <summary>
    /// Changes a resting order's price and open size, provided its open size is still <paramref name="expectedRemaining"/>
    /// (what the caller read); answers with the order as amended.
    /// </summary>
    public async Task<OrderResult> Amend(long accountId, MarketSpec spec, long orderId, long price, long size, long expectedRemaining)
    {
        AccountOrderResult result;
        try
        {
            result = await Account(accountId).AmendOrder(spec.Symbol, new AmendOrder(accountId, orderId, null, price, size, expectedRemaining));
        }
        catch (UnavailableException ex)
        {
            return OrderResult.Failed(RejectionErrors.JournalUnavailable(ex.Message));
        }
        catch (Exception ex)
        {
            return OrderResult.Failed(RejectionErrors.NotAnswered(ex));
        }
        if (Refusal(result) is { } error) return OrderResult.Failed(error);
        return await Find(accountId, spec, orderId) is { } order ? new OrderResult(order, null) : OrderResult.Failed(ApiError.OrderNotFound());
    }

    /// <summary>
    /// An amend as a request gives it: a new price and/or size as decimal text (null: unchanged), conditional on the open
    /// size the caller read (<paramref name="openSizeText"/>), else on the one read here just before.
    /// </summary>
    public async Task<OrderResult> AmendAsAsked(long accountId, MarketSpec spec, long orderId, string? priceText, string? sizeText,
        string? openSizeText)
    {
        var price = priceText is null ? 0 : Units.Ticks(spec, priceText);
        var size = sizeText is null ? 0 : Units.Lots(spec, sizeText);
        if (await markets.Market(spec).GetOrder(orderId) is not { State: OrderState.Open, Order: { } current }
            || current.AccountId != accountId)
            return OrderResult.Failed(ApiError.OrderNotFound());
        // Conditional on an open size: the caller's (openSize, a compare-and-set), else the one just read, so that a
        // price-only amend never regrows what a fill takes meanwhile.
        var openSize = openSizeText is null ? current.Remaining : Units.Lots(spec, openSizeText);
        return await Amend(accountId, spec, orderId, priceText is null ? current.Price : price,
            sizeText is null ? current.Remaining : size, openSize);
    }

    /// <summary>Cancels every resting order of the account in the market; the cancel events, or an error.</summary>
    public async Task<(MarketEvent[] Cancelled, ApiError? Error)> CancelAll(long accountId, MarketSpec spec)
    {
        AccountOrderResult result;
        try
        {
            result = await Account(accountId).CancelAll(spec.Symbol);
        }
        catch (UnavailableException ex)
        {
            return ([], RejectionErrors.JournalUnavailable(ex.Message));
        }
        catch (Exception ex)
        {
            return ([], RejectionErrors.NotAnswered(ex));
        }
        if (Refusal(result) is { } error) return ([], error);
        return ([.. result.Outcome!.Events.Where(e => e.Kind == EventKind.OrderCancelled)], null);
    }

    public async Task<OrderRecord?> Find(long accountId, MarketSpec spec, long orderId)
    {
        if (orderId <= 0) return null;
        return await Describe(accountId, spec, await markets.Market(spec).GetOrder(orderId));
    }

    public async Task<OrderRecord?> FindByClientId(long accountId, MarketSpec spec, string clientOrderId) =>
        await Describe(accountId, spec, await markets.Market(spec).GetOrderByClientId(accountId, clientOrderId));

    public async Task<OrderRecord[]> Open(long accountId, MarketSpec spec)
    {
        var views = await markets.Market(spec).GetOpenOrders(accountId);
        if (views.All(v => v.Filled == 0)) return [.. views.Select(v => OrderRecord.Resting(spec.Symbol, v))];
        var history = await History(accountId, spec);
        return [.. views.Select(v => history.Orders.GetValueOrDefault(v.OrderId) ?? OrderRecord.Resting(spec.Symbol, v))];
    }

    /// <summary>What the account recently did in the market that changed state, folded into orders and fills.</summary>
    public async Task<OrderHistory> History(long accountId, MarketSpec spec)
    {
        var events = await markets.Market(spec).GetAccountHistory(accountId);
        return OrderHistory.Of(spec.Symbol, accountId, events.Events);
    }

    private async Task<OrderRecord?> Describe(long accountId, MarketSpec spec, OrderLookup lookup)
    {
        if (lookup.State == OrderState.Unknown) return null;
        if (lookup is { State: OrderState.Open, Order: { } view })
        {
            if (view.AccountId != accountId) return null;
            if (view.Filled == 0) return OrderRecord.Resting(spec.Symbol, view);
        }
        // Closed, or partly filled: only the order's own events tell (the market gives none of another account's order),
        // from memory or, for an order older than what memory holds, from the journal.
        var events = await markets.Market(spec).GetOrderEvents(accountId, lookup.OrderId);
        return OrderHistory.Of(spec.Symbol, accountId, events).Orders.GetValueOrDefault(lookup.OrderId)
            ?? (lookup is { State: OrderState.Open, Order: { } open } ? OrderRecord.Resting(spec.Symbol, open) : null);
    }

    private static ApiError? Refusal(AccountOrderResult result)
    {
        if (result.Reject != AccountReject.None) return RejectionErrors.For(result.Reject);
        var outcome = result.Outcome!;
        if (outcome.Status != CommandStatus.Committed) return RejectionErrors.For(outcome);
        return outcome.Rejection is var reason and not RejectReason.None ? RejectionErrors.For(reason) : null;
    }

}
