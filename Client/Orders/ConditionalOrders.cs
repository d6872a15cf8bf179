using Exchange.Accounts;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Orders;

/// <summary>What placing or cancelling a conditional order came to: the order (new or the original of a repeat), or an error.</summary>
public sealed record ConditionalResult(ConditionalOrderResponse? Order, ApiError? Error, bool Repeated = false);

/// <summary>
/// Conditional orders of one account (stop, take-profit, trailing stop): read from a request, sent through the account
/// grain to the market that holds them, listed and cancelled there. When one fires, its account places the order it
/// carries; from then on that order is an ordinary order (found by the same client order id).
/// </summary>
public sealed class ConditionalOrders(IClusterClient cluster, MarketDirectory markets)
{
    public static readonly string[] TriggerFields = ["trigger", "triggerPrice", "triggerBy", "callbackBps"];

    public static readonly string[] Fields = [.. PlaceOrderReader.Fields, .. TriggerFields];

    public sealed record Request(MarketSpec Spec, ConditionalTerms Terms, bool ClientOrderIdGiven);

    /// <summary>Reads a conditional order: an order body (<see cref="PlaceOrderReader"/>) with its trigger.</summary>
    public static async Task<Request> Read(JsonBody body, long accountId, MarketDirectory markets)
    {
        var order = await PlaceOrderReader.Read(body, accountId, markets);
        var kind = body.RequiredText("trigger") switch
        {
            "stop" => TriggerKind.Stop,
            "take_profit" => TriggerKind.TakeProfit,
            "trailing_stop" => TriggerKind.TrailingStop,
            _ => throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "trigger", "'trigger' must be stop, take_profit or trailing_stop")),
        };
        var source = body.Text("triggerBy") switch
        {
            null or "mark" => TriggerSource.MarkPrice,
            "last" => TriggerSource.LastPrice,
            _ => throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "triggerBy", "'triggerBy' must be mark or last")),
        };
        long triggerPrice = 0;
        var callbackBps = 0;
        if (kind == TriggerKind.TrailingStop)
        {
            if (body.Has("triggerPrice"))
                throw new ApiException(ApiError.Field(ErrorCodes.InvalidTrigger, "triggerPrice", "a trailing stop has no trigger price: it follows the price by callbackBps"));
            callbackBps = body.WholeNumber("callbackBps", TriggerBook.MinCallbackBps, TriggerBook.MaxCallbackBps)
                ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "callbackBps", "a trailing stop needs 'callbackBps'"));
        }
        else
        {
            if (body.Has("callbackBps"))
                throw new ApiException(ApiError.Field(ErrorCodes.InvalidTrigger, "callbackBps", "only a trailing stop takes callbackBps"));
            triggerPrice = Units.Ticks(order.Spec, body.RequiredText("triggerPrice", ErrorCodes.InvalidTrigger), "triggerPrice");
        }
        return new Request(order.Spec, new ConditionalTerms(kind, source, triggerPrice, callbackBps, order.Order), order.ClientOrderIdGiven);
    }

    public async Task<ConditionalResult> Place(long accountId, Request request)
    {
        var spec = request.Spec;
        var terms = request.Terms;
        AccountOrderResult result;
        try
        {
            result = await cluster.GetGrain<IAccountGrain>(accountId).PlaceConditional(spec.Symbol, terms);
        }
        catch (Exception ex)
        {
            return Failed(RejectionErrors.NotAnswered(ex).With("clientOrderId", terms.Order.ClientOrderId));
        }
        if (result.Reject != AccountReject.None) return Failed(RejectionErrors.For(result.Reject));
        var outcome = result.Outcome!;
        if (outcome.Status != CommandStatus.Committed)
            return Failed(RejectionErrors.For(outcome.Status, outcome.Error).With("clientOrderId", terms.Order.ClientOrderId));
        if (outcome.Events is [{ Kind: EventKind.OrderRejected } rejected])
        {
            // A repeat of a conditional order still waiting answers with it (one already fired is an ordinary order now).
            if (rejected.Reject == RejectReason.DuplicateClientOrderId && request.ClientOrderIdGiven
                && (await Pending(accountId, spec)).FirstOrDefault(o => o.Terms.Order.ClientOrderId == terms.Order.ClientOrderId) is { Id: > 0 } original)
                return new ConditionalResult(Response(spec, original, "pending"), null, Repeated: true);
            return Failed(RejectionErrors.For(rejected.Reject));
        }
        var accepted = outcome.Events.Single(e => e.Kind == EventKind.ConditionalAccepted);
        var order = new ConditionalOrder(accepted.OrderId, accepted.Conditional, 0, accepted.Timestamp);
        // A trailing stop's level depends on the price it started from, which only the market knows: read it back.
        if (terms.Kind == TriggerKind.TrailingStop
            && (await Pending(accountId, spec)).FirstOrDefault(o => o.Id == order.Id) is { Id: > 0 } held)
            order = held;
        return new ConditionalResult(Response(spec, order, "pending"), null);
    }

    public async Task<ConditionalResult> Cancel(long accountId, MarketSpec spec, long id)
    {
        var before = (await Pending(accountId, spec)).FirstOrDefault(o => o.Id == id);
        AccountOrderResult result;
        try
        {
            result = await cluster.GetGrain<IAccountGrain>(accountId).CancelConditional(spec.Symbol, id, null);
        }
        catch (Exception ex)
        {
            return Failed(RejectionErrors.NotAnswered(ex));
        }
        if (result.Reject != AccountReject.None) return Failed(RejectionErrors.For(result.Reject));
        var outcome = result.Outcome!;
        if (outcome.Status != CommandStatus.Committed) return Failed(RejectionErrors.For(outcome.Status, outcome.Error));
        if (outcome.Rejection is var reason and not RejectReason.None) return Failed(RejectionErrors.For(reason));
        return new ConditionalResult(Response(spec, before.Id == id ? before : new ConditionalOrder(id, default, 0, 0), "cancelled"), null);
    }

    public Task<ConditionalOrder[]> Pending(long accountId, MarketSpec spec) => markets.Market(spec).GetConditionalOrders(accountId);

    public static ConditionalOrderResponse Response(MarketSpec spec, in ConditionalOrder c, string status)
    {
        var o = c.Terms.Order;
        return new ConditionalOrderResponse(c.Id, o.ClientOrderId, spec.Symbol, status,
            c.Terms.Kind switch { TriggerKind.Stop => "stop", TriggerKind.TakeProfit => "take_profit", _ => "trailing_stop" },
            c.Terms.Source == TriggerSource.MarkPrice ? "mark" : "last",
            c.Terms.TriggerPrice > 0 ? Units.Price(spec, c.Terms.TriggerPrice) : null,
            c.Terms.Kind == TriggerKind.TrailingStop ? c.Terms.CallbackBps : null,
            c.Terms.Kind == TriggerKind.TrailingStop && c.EffectiveTrigger > 0 ? Units.Price(spec, c.EffectiveTrigger) : null,
            Vocabulary.Of(o.Side), Vocabulary.Of(o.Type), o.Type == OrderType.Limit && o.Price > 0 ? Units.Price(spec, o.Price) : null,
            o.Size > 0 ? Units.Size(spec, o.Size) : null, Vocabulary.Of(o.TimeInForce), (o.Flags & OrderFlags.ReduceOnly) != 0,
            ApiMapping.Millis(c.AcceptedAt));
    }

    private static ConditionalResult Failed(ApiError error) => new(null, error);
}
