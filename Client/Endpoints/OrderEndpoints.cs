using System.Diagnostics;
using System.Text.Json;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;
using Exchange.Client.Telemetry;
using Exchange.Matching;

namespace Exchange.Client.Endpoints;

/// <summary>
/// Signed order entry and order queries. Order ids are numbered per market, so calls that name an order take an
/// optional <c>symbol</c>; without it every market is searched (an id the account holds in two markets is ambiguous).
/// </summary>
public static class OrderEndpoints
{
    public const int DefaultLimit = 100, MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders").RequireSignature();
        orders.MapPost("", Place).RequireRateLimiting(RateLimits.Orders).WithMetadata(OrderAdmission.Metadata.Instance)
            .Accepts<PlaceOrderRequest>("application/json").Produces<OrderResponse>(StatusCodes.Status201Created)
            .WithSummary("Place an order; repeating a clientOrderId answers with the original order (200)");
        orders.MapPost("/batch", PlaceBatch).RequireRateLimiting(RateLimits.Orders).WithMetadata(OrderAdmission.Metadata.Instance)
            .Accepts<PlaceBatchRequest>("application/json").Produces<BatchResponse>()
            .WithSummary("Place up to Gateway:MaxBatchOrders orders; each item answers on its own, in the request's order");
        orders.MapPost("/batch/cancel", CancelBatch).RequireRateLimiting(RateLimits.Cancels)
            .Accepts<CancelBatchRequest>("application/json").Produces<BatchResponse>()
            .WithSummary("Cancel up to Gateway:MaxBatchOrders orders by orderId or clientOrderId; each item answers on its own");
        orders.MapGet("", List).RequireRateLimiting(RateLimits.Queries)
            .WithSummary("The account's orders: status=open (default), closed or all; optional symbol and limit");
        orders.MapGet("/{orderId}", Get).RequireRateLimiting(RateLimits.Queries).WithSummary("One order of the account");
        orders.MapGet("/by-client-id/{clientOrderId}", GetByClientId).RequireRateLimiting(RateLimits.Queries)
            .WithSummary("One order of the account, by its client order id");
        orders.MapPatch("/{orderId}", Amend).RequireRateLimiting(RateLimits.Orders).WithMetadata(OrderAdmission.Metadata.Instance)
            .Accepts<AmendOrderRequest>("application/json").Produces<OrderResponse>()
            .WithSummary("Change a resting order's price and/or open size (a smaller size at the same price keeps priority)");
        orders.MapDelete("/{orderId}", Cancel).RequireRateLimiting(RateLimits.Cancels).WithSummary("Cancel one order");
        orders.MapDelete("/by-client-id/{clientOrderId}", CancelByClientId).RequireRateLimiting(RateLimits.Cancels)
            .WithSummary("Cancel one order, by its client order id");
        orders.MapDelete("", CancelAll).RequireRateLimiting(RateLimits.Cancels)
            .WithSummary("Cancel all the account's resting orders in one market (symbol) or in all");
    }

    private static async Task<IResult> Place(HttpContext context, MarketDirectory markets, OrderService orders, GatewayMetrics metrics)
    {
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            _ = new QueryReader(context.Request);
            var caller = ApiCaller.Of(context);
            var request = await PlaceOrderReader.Read(RequestBody.Of(context).Bytes, caller.AccountId, markets);
            var result = await orders.Place(caller.AccountId, request.Spec, request.Order, request.ClientOrderIdGiven, OrderAdmission.Shed(context));
            metrics.OrderAnswered(startedAt, result.Error?.Code, newOrder: !result.Repeated);
            if (result.Error is not null) return result.Error.ToResult();
            var order = ApiMapping.Order(request.Spec, result.Order!);
            return result.Repeated ? Results.Ok(order)
                : Results.Created($"/api/v1/orders/{order.OrderId}?symbol={order.Symbol}", order);
        }
        catch (ApiException ex)
        {
            metrics.OrderAnswered(startedAt, ex.Error.Code);
            throw;
        }
    }

    private static async Task<IResult> PlaceBatch(HttpContext context, BatchOrders batch, GatewayMetrics metrics,
        Microsoft.Extensions.Options.IOptions<GatewayOptions> options)
    {
        var startedAt = Stopwatch.GetTimestamp();
        _ = new QueryReader(context.Request);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "orders");
        var items = BatchItems(body, options.Value.MaxBatchOrders);
        var answers = await batch.Place(ApiCaller.Of(context).AccountId, items, OrderAdmission.Shed(context));
        foreach (var answer in answers)
            metrics.OrderAnswered(startedAt, answer.Error?.Extensions["code"] as string, newOrder: answer.Status == StatusCodes.Status201Created);
        return Results.Ok(new BatchResponse(answers));
    }

    private static async Task<IResult> CancelBatch(HttpContext context, BatchOrders batch,
        Microsoft.Extensions.Options.IOptions<GatewayOptions> options)
    {
        _ = new QueryReader(context.Request);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "symbol", "orders");
        var symbol = body.Text("symbol");
        var items = BatchItems(body, options.Value.MaxBatchOrders);
        return Results.Ok(new BatchResponse(await batch.Cancel(ApiCaller.Of(context).AccountId, symbol, items)));
    }

    private static JsonElement[] BatchItems(JsonBody body, int max)
    {
        var items = body.Array("orders", max)
            ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "orders", "'orders' is required: an array of orders"));
        return items.Length > 0 ? items
            : throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "orders", $"'orders' must hold 1 to {max} items"));
    }

    private static async Task<IResult> Get(string orderId, HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol");
        var id = Identifiers.PositiveId(orderId, "orderId");
        var caller = ApiCaller.Of(context);
        return await Single(markets, symbol, spec => orders.Find(caller.AccountId, spec, id));
    }

    private static async Task<IResult> GetByClientId(string clientOrderId, HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol");
        var id = Identifiers.ClientOrderId(clientOrderId);
        var caller = ApiCaller.Of(context);
        return await Single(markets, symbol, spec => orders.FindByClientId(caller.AccountId, spec, id));
    }

    private static async Task<IResult> List(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = new QueryReader(context.Request, "symbol", "status", "limit");
        var status = query.Text("status") ?? "open";
        if (status is not ("open" or "closed" or "all")) throw QueryReader.Invalid("status", "'status' must be open, closed or all");
        var limit = query.WholeNumber("limit", DefaultLimit, 1, MaxLimit);
        var caller = ApiCaller.Of(context);
        var answer = new List<OrderResponse>();
        foreach (var spec in await markets.OneOrAll(query.Text("symbol")))
        {
            IEnumerable<OrderRecord> found = status == "open"
                ? await orders.Open(caller.AccountId, spec)
                : (await orders.History(caller.AccountId, spec)).Orders.Values.Where(o => status == "all" || !o.IsOpen);
            answer.AddRange(found.Select(o => ApiMapping.Order(spec, o)));
        }
        return Results.Ok(answer.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderId).Take(limit).ToArray());
    }

    private static async Task<IResult> Cancel(string orderId, HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol");
        var id = Identifiers.PositiveId(orderId, "orderId");
        var caller = ApiCaller.Of(context);
        var spec = symbol is not null ? await markets.Get(symbol) : await MarketHoldingOpen(markets, caller.AccountId, id);
        if (spec is null) return ApiError.OrderNotFound().ToResult();
        return Answer(spec, await orders.Cancel(caller.AccountId, spec, id, null));
    }

    private static async Task<IResult> Amend(string orderId, HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol");
        var id = Identifiers.PositiveId(orderId, "orderId");
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "price", "size", "openSize");
        var priceText = body.Text("price", ErrorCodes.InvalidPrice);
        var sizeText = body.Text("size", ErrorCodes.InvalidSize);
        var openSizeText = body.Text("openSize", ErrorCodes.InvalidSize);
        if (priceText is null && sizeText is null)
            throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "price", "an amend needs a new price, a new size, or both"));
        var caller = ApiCaller.Of(context);
        var spec = symbol is not null ? await markets.Get(symbol) : await MarketHoldingOpen(markets, caller.AccountId, id);
        if (spec is null) return ApiError.OrderNotFound().ToResult();
        return Answer(spec, await orders.AmendAsAsked(caller.AccountId, spec, id, priceText, sizeText, openSizeText));
    }

    private static async Task<IResult> CancelByClientId(string clientOrderId, HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol");
        var id = Identifiers.ClientOrderId(clientOrderId);
        var caller = ApiCaller.Of(context);
        MarketSpec? spec = null;
        if (symbol is not null) spec = await markets.Get(symbol);
        else
            foreach (var candidate in await markets.All())
                if ((await markets.Market(candidate).GetOrderByClientId(caller.AccountId, id)).State == Exchange.Markets.OrderState.Open)
                    spec = candidate;
        if (spec is null) return ApiError.OrderNotFound().ToResult();
        return Answer(spec, await orders.Cancel(caller.AccountId, spec, 0, id));
    }

    private static async Task<IResult> CancelAll(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol");
        var caller = ApiCaller.Of(context);
        var cancelled = new List<CancelledOrderResponse>();
        foreach (var spec in await markets.OneOrAll(symbol))
        {
            // Without a symbol, only markets where the account has resting orders: cancelling elsewhere would enrol it there.
            if (symbol is null && (await markets.Market(spec).GetOpenOrders(caller.AccountId)).Length == 0) continue;
            var (events, error) = await orders.CancelAll(caller.AccountId, spec);
            if (error is not null) return error.ToResult();
            cancelled.AddRange(events.Select(e => ApiMapping.Cancelled(spec, e)));
        }
        return Results.Ok(new CancelAllResponse([.. cancelled]));
    }

    /// <summary>The order in the named market, or searched in every market.</summary>
    private static async Task<IResult> Single(MarketDirectory markets, string? symbol, Func<MarketSpec, Task<OrderRecord?>> find)
    {
        var found = new List<(MarketSpec Spec, OrderRecord Order)>();
        foreach (var spec in await markets.OneOrAll(symbol))
            if (await find(spec) is { } order) found.Add((spec, order));
        return found switch
        {
            [] => ApiError.OrderNotFound().ToResult(),
            [var one] => Results.Ok(ApiMapping.Order(one.Spec, one.Order)),
            _ => ApiError.BadRequest(ErrorCodes.AmbiguousOrderId, "the account has orders with this id in several markets: add ?symbol=")
                .With("symbols", found.Select(f => f.Spec.Symbol).ToArray()).ToResult(),
        };
    }

    private static async Task<MarketSpec?> MarketHoldingOpen(MarketDirectory markets, long accountId, long orderId)
    {
        foreach (var spec in await markets.All())
            if (await markets.Market(spec).GetOrder(orderId) is { State: Exchange.Markets.OrderState.Open, Order: { } view }
                && view.AccountId == accountId)
                return spec;
        return null;
    }

    private static IResult Answer(MarketSpec spec, OrderResult result) =>
        result.Error?.ToResult() ?? Results.Ok(ApiMapping.Order(spec, result.Order!));
}
