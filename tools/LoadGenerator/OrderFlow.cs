using System.Globalization;
using System.Text;

namespace Exchange.LoadGenerator;

/// <summary>What one request does, so answers can be counted per kind.</summary>
internal enum RequestKind { Place, Cross, Cancel }

/// <summary>One generated request before signing.</summary>
internal readonly record struct PlannedRequest(RequestKind Kind, int Market, HttpMethod Method, string PathAndQuery, byte[]? Body, long OrderId);

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

        var buy = random.Next(2) == 0;
        var crossing = random.Next(100) < options.CrossPercent;
        var offset = crossing ? -random.Next(1, 4) : random.Next(1, 21);    // ticks behind the mid; negative crosses it
        var priceTicks = buy ? market.MidTicks - offset : market.MidTicks + offset;
        var sizeLots = random.Next(1, 11);
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"symbol":"{{market.Symbol}}","side":"{{(buy ? "buy" : "sell")}}","type":"limit","price":"{{priceTicks * market.TickSize}}","size":"{{sizeLots * market.LotSize}}","timeInForce":"{{(crossing ? "ioc" : "gtc")}}","clientOrderId":"{{account.NextClientOrderId()}}"}"""));
        return new PlannedRequest(crossing ? RequestKind.Cross : RequestKind.Place, m, HttpMethod.Post, "/api/v1/orders", body, 0);
    }
}
