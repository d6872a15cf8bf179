using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;

namespace Exchange.Client.Endpoints;

/// <summary>
/// Signed conditional orders: placed, listed while they wait for their trigger, cancelled. Ids are numbered per market
/// and apart from order ids, so a cancel names the market.
/// </summary>
public static class ConditionalOrderEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/conditional-orders").WithTags("Conditional orders").RequireSignature();
        group.MapPost("", Place).RequireRateLimiting(RateLimits.Orders).WithMetadata(OrderAdmission.Metadata.Instance)
            .Accepts<PlaceConditionalRequest>("application/json").Produces<ConditionalOrderResponse>(StatusCodes.Status201Created)
            .WithSummary("Place a stop, take-profit or trailing stop; a repeated clientOrderId answers with the original (200) while it waits");
        group.MapGet("", List).RequireRateLimiting(RateLimits.Queries)
            .WithSummary("The account's conditional orders waiting for their trigger, in one market (symbol) or all");
        group.MapDelete("/{conditionalId}", Cancel).RequireRateLimiting(RateLimits.Cancels)
            .WithSummary("Cancel a conditional order that has not fired (symbol required)");
    }

    private static async Task<IResult> Place(HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        _ = new QueryReader(context.Request);
        var caller = ApiCaller.Of(context);
        var request = await ConditionalOrders.Read(JsonBody.Parse(RequestBody.Of(context).Bytes, ConditionalOrders.Fields), caller.AccountId, markets);
        var result = await conditionals.Place(caller.AccountId, request);
        if (result.Error is not null) return result.Error.ToResult();
        return result.Repeated ? Results.Ok(result.Order)
            : Results.Created($"/api/v1/conditional-orders?symbol={request.Spec.Symbol}", result.Order);
    }

    private static async Task<IResult> List(HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        var query = new QueryReader(context.Request, "symbol");
        var caller = ApiCaller.Of(context);
        var answer = new List<ConditionalOrderResponse>();
        foreach (var spec in await markets.OneOrAll(query.Text("symbol")))
            answer.AddRange((await conditionals.Pending(caller.AccountId, spec)).Select(c => ConditionalOrders.Response(spec, c, "pending")));
        return Results.Ok(answer.ToArray());
    }

    private static async Task<IResult> Cancel(string conditionalId, HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        var symbol = new QueryReader(context.Request, "symbol").Text("symbol")
            ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "symbol", "'symbol' is required: conditional ids are numbered per market"));
        var id = Identifiers.PositiveId(conditionalId, "conditionalId");
        var spec = await markets.Get(symbol);
        var result = await conditionals.Cancel(ApiCaller.Of(context).AccountId, spec, id);
        return result.Error?.ToResult() ?? Results.Ok(result.Order);
    }
}
