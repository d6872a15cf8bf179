using System.Text;
using System.Text.Json;

namespace Exchange.Stress.Running;

/// <summary>An order the runner wants placed, in the market's own units (ticks and lots).</summary>
internal readonly record struct OrderIntent(string Symbol, bool Buy, long PriceTicks, long Lots, bool ImmediateOrCancel, bool ReduceOnly = false);

/// <summary>A placed order that rests: what a trader may cancel later.</summary>
internal readonly record struct RestingOrder(string Symbol, long OrderId);

/// <summary>
/// Sends orders and cancels for any account and records every answer (<see cref="Recorder"/>): orders always carry a
/// client order id (so that an acknowledged one can be found at the end, and a retry would not double it); a batch
/// goes as one request of up to 20 and each item is recorded with the batch's latency.
/// </summary>
internal sealed class OrderDesk(ExchangeApi api, Recorder recorder, IReadOnlyDictionary<string, MarketInfo> markets)
{
    public const int MaxBatch = 20;

    /// <summary>Places the orders (1 to 20) and returns the ones that rest.</summary>
    public async Task<List<RestingOrder>> PlaceAsync(StressAccount account, IReadOnlyList<OrderIntent> orders, CancellationToken ct)
    {
        var ids = orders.Select(_ => account.NextClientOrderId()).ToArray();
        var resting = new List<RestingOrder>();
        if (orders.Count == 1)
        {
            var answer = await api.SignedAsync(account, HttpMethod.Post, "/api/v1/orders", Body(orders[0], ids[0]), ct);
            recorder.Order(account, orders[0].Symbol, ids[0], answer.Status, answer.Code, answer.Milliseconds);
            if (answer.Ok && Resting(answer.Parse()) is { } id) resting.Add(new RestingOrder(orders[0].Symbol, id));
            return resting;
        }
        var body = new StringBuilder("{\"orders\":[");
        for (var i = 0; i < orders.Count; i++) body.Append(i == 0 ? "" : ",").Append(Body(orders[i], ids[i]));
        body.Append("]}");
        var batch = await api.SignedAsync(account, HttpMethod.Post, "/api/v1/orders/batch", body.ToString(), ct);
        if (batch.Status != 200)
        {
            // The request as a whole was refused (or never answered): every order in it shares that answer.
            for (var i = 0; i < orders.Count; i++) recorder.Order(account, orders[i].Symbol, ids[i], batch.Status, batch.Code, batch.Milliseconds);
            return resting;
        }
        var items = batch.Parse().GetProperty("orders");
        var k = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (k >= orders.Count) break;
            var status = item.GetProperty("status").GetInt32();
            var code = item.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c)
                ? c.GetString() : null;
            recorder.Order(account, orders[k].Symbol, ids[k], status, code, batch.Milliseconds);
            if (status is 200 or 201 && item.TryGetProperty("order", out var order) && Resting(order) is { } id)
                resting.Add(new RestingOrder(orders[k].Symbol, id));
            k++;
        }
        return resting;
    }

    /// <summary>Places one immediate-or-cancel order and returns the size it filled (0 when refused or unanswered).</summary>
    public async Task<decimal> TakeAsync(StressAccount account, OrderIntent order, CancellationToken ct)
    {
        var id = account.NextClientOrderId();
        var answer = await api.SignedAsync(account, HttpMethod.Post, "/api/v1/orders", Body(order with { ImmediateOrCancel = true }, id), ct);
        recorder.Order(account, order.Symbol, id, answer.Status, answer.Code, answer.Milliseconds);
        return answer.Ok && Json.Decimal(answer.Parse().GetProperty("filledSize").GetString()) is { } filled ? filled : 0;
    }

    /// <summary>Cancels all the account's orders in the market (one request, recorded as one cancel).</summary>
    public async Task CancelAllAsync(StressAccount account, string symbol, CancellationToken ct)
    {
        var answer = await api.SignedAsync(account, HttpMethod.Delete, $"/api/v1/orders?symbol={symbol}", null, ct);
        recorder.Cancel(answer.Status, answer.Code);
    }

    public async Task CancelAsync(StressAccount account, RestingOrder order, CancellationToken ct)
    {
        var answer = await api.SignedAsync(account, HttpMethod.Delete, $"/api/v1/orders/{order.OrderId}?symbol={order.Symbol}", null, ct);
        recorder.Cancel(answer.Status, answer.Code);
    }

    private string Body(OrderIntent o, string clientOrderId)
    {
        var market = markets[o.Symbol];
        return JsonSerializer.Serialize(new
        {
            symbol = o.Symbol,
            side = o.Buy ? "buy" : "sell",
            type = "limit",
            price = Json.Text(o.PriceTicks * market.TickSize),
            size = Json.Text(o.Lots * market.LotSize),
            timeInForce = o.ImmediateOrCancel ? "ioc" : "gtc",
            reduceOnly = o.ReduceOnly,
            clientOrderId,
        }, Json.Web);
    }

    private static long? Resting(JsonElement order) =>
        order.TryGetProperty("status", out var s) && s.GetString() is "new" or "partially_filled" ? order.GetProperty("orderId").GetInt64() : null;
}
