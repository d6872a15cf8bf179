using System.Globalization;
using System.Text;

namespace Exchange.LoadGenerator;

/// <summary>What one request does, so answers can be counted per kind.</summary>
internal enum RequestKind { Place, Cross, Cancel }

/// <summary>One generated request before signing.</summary>
/// <param name="Items">Orders (or cancels) the request carries: 1, or a batch's size.</param>
internal readonly record struct PlannedRequest(RequestKind Kind, int Market, HttpMethod Method, string PathAndQuery, byte[]? Body, long OrderId,
    int Items = 1);

/// <summary>
/// A market maker's flow that keeps the book bounded: mostly GTC limit orders resting 1-20 ticks behind the mid,
/// cancels of the account's own resting orders (always, once an account has <c>--max-open</c>), and a few IOC orders
/// priced through the mid that take liquidity. Prices and sizes are exact decimals built from integer ticks and lots.
/// </summary>
internal sealed class OrderFlow(Market[] markets, LoadOptions options, Random random)
{
    public PlannedRequest Next(TradingAccount account)
    {
        var m = random.Next(markets.Length);
        var market = markets[m];
        var resting = account.Resting[m];
        if (resting.Count >= options.MaxOpenPerAccount || (resting.Count > 0 && random.Next(100) < options.CancelPercent))
        {
            var orderId = resting[random.Next(resting.Count)];
            return new PlannedRequest(RequestKind.Cancel, m, HttpMethod.Delete,
                $"/api/v1/orders/{orderId}?symbol={market.Symbol}", null, orderId);
        }
        var body = Encoding.UTF8.GetBytes(OrderBody(account, market, out var crossing));
        return new PlannedRequest(crossing ? RequestKind.Cross : RequestKind.Place, m, HttpMethod.Post, "/api/v1/orders", body, 0);
    }

    /// <summary>
    /// Batch mode: an account with resting orders cancels up to <c>--batch</c> of them in one request; else it places a
    /// batch of orders drawn as single orders are (resting behind the mid, a few crossing IOC), so the book stays bounded
    /// and placements and cancels alternate, as they roughly do in the single-order flow.
    /// </summary>
    public PlannedRequest NextBatch(TradingAccount account)
    {
        var m = random.Next(markets.Length);
        var market = markets[m];
        var resting = account.Resting[m];
        if (resting.Count > 0)
        {
            var ids = resting.Take(options.BatchSize).ToArray();
            var cancels = string.Join(",", ids.Select(id => string.Create(CultureInfo.InvariantCulture, $$"""{"orderId":{{id}}}""")));
            return new PlannedRequest(RequestKind.Cancel, m, HttpMethod.Post, "/api/v1/orders/batch/cancel",
                Encoding.UTF8.GetBytes($$"""{"symbol":"{{market.Symbol}}","orders":[{{cancels}}]}"""), 0, ids.Length);
        }
        var orders = new string[options.BatchSize];
        for (var i = 0; i < orders.Length; i++) orders[i] = OrderBody(account, market, out _);
        return new PlannedRequest(RequestKind.Place, m, HttpMethod.Post, "/api/v1/orders/batch",
            Encoding.UTF8.GetBytes($$"""{"orders":[{{string.Join(",", orders)}}]}"""), 0, orders.Length);
    }

    private string OrderBody(TradingAccount account, Market market, out bool crossing)
    {
        var buy = random.Next(2) == 0;
        crossing = random.Next(100) < options.CrossPercent;
        var offset = crossing ? -random.Next(1, 4) : random.Next(1, 21);    // ticks behind the mid; negative crosses it
        var priceTicks = buy ? market.MidTicks - offset : market.MidTicks + offset;
        var sizeLots = random.Next(1, 11);
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"symbol":"{{market.Symbol}}","side":"{{(buy ? "buy" : "sell")}}","type":"limit","price":"{{priceTicks * market.TickSize}}","size":"{{sizeLots * market.LotSize}}","timeInForce":"{{(crossing ? "ioc" : "gtc")}}","clientOrderId":"{{account.NextClientOrderId()}}"}""");
    }
}
