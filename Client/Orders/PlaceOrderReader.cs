using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Matching;

namespace Exchange.Client.Orders;

/// <summary>
/// Reads a new order from its JSON body and checks everything that needs no state: the market exists, words are
/// known, price and size are whole ticks and lots inside the market's ranges, the flags make sense together. An
/// order that passes may still be refused by the account (margin) or the book (mode, post-only).
/// </summary>
public static class PlaceOrderReader
{
    public static readonly string[] Fields =
        ["symbol", "side", "type", "price", "size", "timeInForce", "postOnly", "reduceOnly", "clientOrderId", "selfTradePrevention"];

    public sealed record Request(MarketSpec Spec, PlaceOrder Order, bool ClientOrderIdGiven);

    public static Task<Request> Read(ReadOnlyMemory<byte> bytes, long accountId, MarketDirectory markets) =>
        Read(JsonBody.Parse(bytes, Fields), accountId, markets);

    /// <summary>An order already read as a JSON object with <see cref="Fields"/> (an item of a batch, a WebSocket request).</summary>
    public static async Task<Request> Read(JsonBody body, long accountId, MarketDirectory markets)
    {
        var symbol = body.RequiredText("symbol");
        var side = Word(body, "side", Vocabulary.ParseSide, "buy or sell", required: true) ?? Side.Buy;
        var type = Word(body, "type", Vocabulary.ParseType, "limit or market", required: true) ?? OrderType.Limit;
        var timeInForce = Word(body, "timeInForce", Vocabulary.ParseTimeInForce, "gtc, ioc or fok") ?? TimeInForce.GoodTillCancel;
        var stp = Word(body, "selfTradePrevention", Vocabulary.ParseSelfTradePrevention,
            "cancel_taker, cancel_maker, cancel_both or none") ?? SelfTradePrevention.CancelTaker;
        var postOnly = body.Bool("postOnly") ?? false;
        var reduceOnly = body.Bool("reduceOnly") ?? false;
        var clientOrderId = body.Text("clientOrderId", ErrorCodes.InvalidClientOrderId);
        if (clientOrderId is not null) Identifiers.ClientOrderId(clientOrderId);
        var priceText = body.Text("price", ErrorCodes.InvalidPrice);
        var sizeText = body.RequiredText("size", ErrorCodes.InvalidSize);
        if (postOnly && (type == OrderType.Market || timeInForce != TimeInForce.GoodTillCancel))
            throw new ApiException(ApiError.BadRequest(ErrorCodes.InvalidOrderTerms, "post-only orders must be limit GTC"));

        var spec = await markets.Get(symbol);
        long price = 0;
        if (type == OrderType.Limit)
            price = Units.Ticks(spec, priceText ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "price", "a limit order needs a price")));
        else if (priceText is not null)
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidPrice, "price", "a market order has no price"));
        var size = Units.Lots(spec, sizeText);

        var flags = (postOnly ? OrderFlags.PostOnly : OrderFlags.None) | (reduceOnly ? OrderFlags.ReduceOnly : OrderFlags.None);
        var order = new PlaceOrder(accountId, side, type, price, size, timeInForce, flags, stp,
            clientOrderId ?? Identifiers.NewClientOrderId());
        return new Request(spec, order, clientOrderId is not null);
    }

    private static T? Word<T>(JsonBody body, string field, Func<string, T?> parse, string allowed, bool required = false) where T : struct
    {
        var text = required ? body.RequiredText(field) : body.Text(field);
        if (text is null) return null;
        return parse(text) ?? throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, field, $"'{field}' must be {allowed}"));
    }
}
