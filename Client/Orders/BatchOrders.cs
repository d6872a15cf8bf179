using System.Text.Json;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Matching;

namespace Exchange.Client.Orders;

/// <summary>
/// Several orders, or several cancels, in one request. Each item is read, checked and answered on its own (an item that
/// is malformed or refused does not stop the others); the items of one market go to the account in one grain call, and
/// on to the market together, so that they usually share a journal batch. Answers keep the request's order.
/// </summary>
public sealed class BatchOrders(MarketDirectory markets, OrderService orders)
{
    public static readonly string[] CancelFields = ["symbol", "orderId", "clientOrderId"];

    /// <summary>One order of a batch as read: the request, or why it was not taken.</summary>
    private readonly record struct Item<T>(T? Request, ApiError? Error);

    public async Task<BatchItemResponse[]> Place(long accountId, JsonElement[] items, bool shedRisk = false)
    {
        var read = new Item<PlaceOrderReader.Request>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            try { read[i] = new(await PlaceOrderReader.Read(JsonBody.Of(items[i], "orders", PlaceOrderReader.Fields), accountId, markets), null); }
            catch (ApiException ex) { read[i] = new(null, ex.Error); }
        }
        var answers = new BatchItemResponse[items.Length];
        await Task.WhenAll(Indices(read, r => r.Spec.Symbol).Select(async market =>
        {
            var spec = read[market[0]].Request!.Spec;
            var results = await orders.PlaceMany(accountId, spec, [.. market.Select(i => read[i].Request!.Order)],
                [.. market.Select(i => read[i].Request!.ClientOrderIdGiven)], shedRisk);
            for (var k = 0; k < market.Length; k++)
                answers[market[k]] = Answer(spec, results[k], StatusCodes.Status201Created);
        }));
        for (var i = 0; i < items.Length; i++)
            if (read[i].Error is { } error) answers[i] = BatchItemResponse.Failed(error);
        return answers;
    }

    /// <summary>Cancels by orderId or clientOrderId, each in its item's market or the batch's (<paramref name="symbol"/>).</summary>
    public async Task<BatchItemResponse[]> Cancel(long accountId, string? symbol, JsonElement[] items)
    {
        var read = new Item<(MarketSpec Spec, CancelOrder Cancel)>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            try { read[i] = new(await ReadCancel(accountId, symbol, items[i]), null); }
            catch (ApiException ex) { read[i] = new(default, ex.Error); }
        }
        var answers = new BatchItemResponse[items.Length];
        await Task.WhenAll(Indices(read, r => r.Spec.Symbol).Select(async market =>
        {
            var spec = read[market[0]].Request.Spec;
            var results = await orders.CancelMany(accountId, spec, [.. market.Select(i => read[i].Request.Cancel)]);
            for (var k = 0; k < market.Length; k++) answers[market[k]] = Answer(spec, results[k], StatusCodes.Status200OK);
        }));
        for (var i = 0; i < items.Length; i++)
            if (read[i].Error is { } error) answers[i] = BatchItemResponse.Failed(error);
        return answers;
    }

    private async Task<(MarketSpec, CancelOrder)> ReadCancel(long accountId, string? symbol, JsonElement item)
    {
        var body = JsonBody.Of(item, "orders", CancelFields);
        var orderId = body.LongNumber("orderId", 1, long.MaxValue) ?? 0;
        var clientOrderId = body.Text("clientOrderId", ErrorCodes.InvalidClientOrderId);
        if (clientOrderId is not null) Identifiers.ClientOrderId(clientOrderId);
        if (orderId == 0 && clientOrderId is null)
            throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "orderId", "each cancel names an orderId or a clientOrderId"));
        var spec = await markets.Get(body.Text("symbol") ?? symbol
            ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "symbol", "each cancel needs a symbol, its own or the batch's")));
        return (spec, new CancelOrder(accountId, orderId, orderId == 0 ? clientOrderId : null));
    }

    /// <summary>The positions of the items that were read, grouped by market, in the request's order.</summary>
    private static int[][] Indices<T>(Item<T>[] read, Func<T, string> market) =>
        [.. Enumerable.Range(0, read.Length).Where(i => read[i].Error is null)
            .GroupBy(i => market(read[i].Request!), StringComparer.Ordinal).Select(g => g.ToArray())];

    private static BatchItemResponse Answer(MarketSpec spec, OrderResult result, int created) =>
        result.Error is { } error ? BatchItemResponse.Failed(error)
            : new BatchItemResponse(result.Repeated ? StatusCodes.Status200OK : created, ApiMapping.Order(spec, result.Order!), null);
}
