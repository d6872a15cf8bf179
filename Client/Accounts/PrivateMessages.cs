using System.Text.Json;
using Exchange.Accounts;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Orders;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Accounts;

/// <summary>
/// The private channels' messages. An order update carries the order in exactly the REST answer's shape; a fill
/// carries the REST fill and the market sequence of its trade.
/// </summary>
public static class PrivateMessages
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static byte[] Authenticated(long accountId) => JsonSerializer.SerializeToUtf8Bytes(new { type = "authenticated", accountId }, Web);

    public static byte[] Order(MarketSpec spec, OrderRecord order) => JsonSerializer.SerializeToUtf8Bytes(
        new { type = "order", channel = AccountFeed.Orders, symbol = spec.Symbol, data = ApiMapping.Order(spec, order) }, Web);

    public static byte[] Fill(MarketSpec spec, OrderRecord order, FillRecord fill) => JsonSerializer.SerializeToUtf8Bytes(
        new { type = "fill", channel = AccountFeed.Fills, symbol = spec.Symbol, sequence = fill.Sequence, data = ApiMapping.Fill(spec, fill, order.ClientOrderId) }, Web);

    /// <summary>A refused order in the REST order shape (no order id: it never reached the book), with the refusal's code.</summary>
    public static byte[] Rejected(MarketSpec spec, RejectedOrder rejected, long nowMs)
    {
        var o = rejected.Order;
        var error = rejected.AccountReason != AccountReject.None
            ? RejectionErrors.For(rejected.AccountReason)
            : RejectionErrors.For(rejected.MarketReason);
        var data = new OrderResponse(0, o.ClientOrderId, spec.Symbol, Vocabulary.Of(o.Side), Vocabulary.Of(o.Type),
            o.Type == OrderType.Market ? null : Units.Price(spec, o.Price), Units.Size(spec, o.Size), Units.Size(spec, 0), null,
            "rejected", Vocabulary.Of(o.TimeInForce), (o.Flags & OrderFlags.PostOnly) != 0, (o.Flags & OrderFlags.ReduceOnly) != 0,
            Vocabulary.Of(o.SelfTradePrevention), nowMs, nowMs, []);
        return JsonSerializer.SerializeToUtf8Bytes(
            new { type = "order", channel = AccountFeed.Orders, symbol = spec.Symbol, code = error.Code, data }, Web);
    }
}
