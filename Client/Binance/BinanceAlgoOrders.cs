using System.Globalization;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;
using Exchange.Matching;

namespace Exchange.Client.Binance;

/// <summary>
/// Binance USDⓈ-M conditional orders, which Binance (and CCXT's <c>binanceusdm</c>) send to the algo order service
/// (<c>algoType=CONDITIONAL</c>): STOP_MARKET, TAKE_PROFIT_MARKET, STOP and TAKE_PROFIT (limit), TRAILING_STOP_MARKET, held
/// by the market as native conditional orders (<see cref="ConditionalOrders"/>). <c>workingType</c> CONTRACT_PRICE (the
/// default) watches the last trade, MARK_PRICE the mark. An algo id is the native conditional id. Once one fires, its
/// order is an ordinary order under the same client id (the clientAlgoId).
/// </summary>
public static class BinanceAlgoOrders
{
    private static readonly string[] PlaceParameters =
    [
        "algoType", "symbol", "side", "positionSide", "type", "timeInForce", "quantity", "price", "triggerPrice", "workingType",
        "priceMatch", "closePosition", "priceProtect", "reduceOnly", "activatePrice", "callbackRate", "clientAlgoId",
        "selfTradePreventionMode", "goodTillDate", "newOrderRespType",
    ];

    public static void Map(RouteGroupBuilder fapi)
    {
        BinanceOrders.Signed(fapi.MapPost("/v1/algoOrder", Place).WithMetadata(Hosting.OrderAdmission.Metadata.Instance), BinanceRateLimitPolicy.Orders, PlaceParameters);
        BinanceOrders.Signed(fapi.MapDelete("/v1/algoOrder", Cancel), BinanceRateLimitPolicy.Cancels, "symbol", "algoId", "clientAlgoId");
        BinanceOrders.Signed(fapi.MapGet("/v1/algoOrder", Get), BinanceRateLimitPolicy.Queries, "symbol", "algoId", "clientAlgoId");
        BinanceOrders.Signed(fapi.MapGet("/v1/openAlgoOrders", Open), BinanceRateLimitPolicy.Queries, "symbol", "algoType", "algoId");
    }

    private static async Task<IResult> Place(HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        if (query.Required("algoType") != "CONDITIONAL") throw new BinanceException(BinanceErrors.Invalid("algoType", "CONDITIONAL"));
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var (kind, type) = query.Required("type") switch
        {
            "STOP_MARKET" => (TriggerKind.Stop, OrderType.Market),
            "TAKE_PROFIT_MARKET" => (TriggerKind.TakeProfit, OrderType.Market),
            "STOP" => (TriggerKind.Stop, OrderType.Limit),
            "TAKE_PROFIT" => (TriggerKind.TakeProfit, OrderType.Limit),
            "TRAILING_STOP_MARKET" => (TriggerKind.TrailingStop, OrderType.Market),
            _ => throw new BinanceException(new(StatusCodes.Status400BadRequest, -1116, "Invalid orderType.")),
        };
        var side = query.Required("side") switch
        {
            "BUY" => Side.Buy,
            "SELL" => Side.Sell,
            _ => throw new BinanceException(new(StatusCodes.Status400BadRequest, -1117, "Invalid side.")),
        };
        if (query.Text("positionSide") is { } positionSide && positionSide != "BOTH") throw new BinanceException(BinanceErrors.PositionSide);
        foreach (var name in new[] { "goodTillDate", "activatePrice" }) query.Neutral(name, "0");
        query.Neutral("closePosition", "false");
        query.Neutral("priceProtect", "false");
        query.Neutral("priceMatch", "NONE");
        query.Neutral("selfTradePreventionMode", "EXPIRE_TAKER");
        var source = query.Text("workingType") switch
        {
            null or "CONTRACT_PRICE" => TriggerSource.LastPrice,
            "MARK_PRICE" => TriggerSource.MarkPrice,
            _ => throw new BinanceException(BinanceErrors.Invalid("workingType", "CONTRACT_PRICE or MARK_PRICE")),
        };
        var timeInForce = query.Text("timeInForce") switch
        {
            null or "GTC" => TimeInForce.GoodTillCancel,
            "IOC" => TimeInForce.ImmediateOrCancel,
            "FOK" => TimeInForce.FillOrKill,
            _ => throw new BinanceException(new(StatusCodes.Status400BadRequest, -1115, "Invalid timeInForce: GTC, IOC or FOK.")),
        };
        var clientId = query.Text("clientAlgoId");
        if (clientId is not null && !Identifiers.IsValid(clientId))
            throw new BinanceException(BinanceErrors.From(ApiError.BadRequest(ErrorCodes.InvalidClientOrderId, "")));
        long price = 0, trigger = 0;
        var callbackBps = 0;
        if (type == OrderType.Limit) price = Numbers(() => Units.Ticks(spec, query.Required("price"), "price"));
        else if (query.Text("price") is not null) throw new BinanceException(BinanceErrors.NotRequired("price"));
        if (kind == TriggerKind.TrailingStop)
        {
            if (query.Text("triggerPrice") is not null) throw new BinanceException(BinanceErrors.NotRequired("triggerPrice"));
            // A callback rate in percent with at most two decimals (0.1 to 10, as Binance takes it) is whole basis points.
            var rate = query.Required("callbackRate");
            if (!decimal.TryParse(rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
                || percent * 100 != decimal.Truncate(percent * 100) || percent * 100 is < TriggerBook.MinCallbackBps or > TriggerBook.MaxCallbackBps)
                throw new BinanceException(BinanceErrors.Invalid("callbackRate", "a percentage from 0.1 to 10 with at most two decimals"));
            callbackBps = (int)(percent * 100);
        }
        else
        {
            if (query.Text("callbackRate") is not null) throw new BinanceException(BinanceErrors.NotRequired("callbackRate"));
            trigger = Numbers(() => Units.Ticks(spec, query.Required("triggerPrice"), "triggerPrice"));
        }
        var size = Numbers(() => Units.Lots(spec, query.Required("quantity"), "quantity"));
        var flags = query.Bool("reduceOnly") ? OrderFlags.ReduceOnly : OrderFlags.None;
        var order = new PlaceOrder(caller.AccountId, side, type, price, size, timeInForce, flags, SelfTradePrevention.CancelTaker,
            clientId ?? Identifiers.NewClientOrderId());
        var result = await conditionals.Place(caller.AccountId,
            new ConditionalOrders.Request(spec, new ConditionalTerms(kind, source, trigger, callbackBps, order), clientId is not null));
        return result.Error is { } error ? BinanceErrors.From(error).ToResult() : BinanceMarketData.Json(Algo(spec, result.Order!));
    }

    private static async Task<IResult> Cancel(HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var found = await Find(query, conditionals, caller.AccountId, spec);
        if (found is null) return BinanceErrors.UnknownOrderOnCancel.ToResult();
        var result = await conditionals.Cancel(caller.AccountId, spec, found.ConditionalId);
        return result.Error is { } error ? BinanceErrors.From(error, BinanceErrors.UnknownOrderOnCancel).ToResult()
            : BinanceMarketData.Json(new { algoId = found.ConditionalId, clientAlgoId = found.ClientOrderId, code = "200", msg = "success" });
    }

    private static async Task<IResult> Get(HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        return await Find(query, conditionals, caller.AccountId, spec) is { } found
            ? BinanceMarketData.Json(Algo(spec, found)) : BinanceErrors.UnknownOrderOnQuery.ToResult();
    }

    private static async Task<IResult> Open(HttpContext context, MarketDirectory markets, ConditionalOrders conditionals)
    {
        var query = BinanceParameters.Of(context);
        if (query.Text("algoType") is { } algoType && algoType != "CONDITIONAL") throw new BinanceException(BinanceErrors.Invalid("algoType", "CONDITIONAL"));
        var algoId = query.OptionalWhole("algoId", 1, long.MaxValue);
        var caller = ApiCaller.Of(context);
        var answer = new List<BinanceAlgoOrder>();
        foreach (var spec in await BinanceSymbols.OneOrAll(markets, query.Text("symbol")))
            answer.AddRange((await conditionals.Pending(caller.AccountId, spec))
                .Where(c => algoId is null || c.Id == algoId)
                .Select(c => Algo(spec, ConditionalOrders.Response(spec, c, "pending"))));
        return BinanceMarketData.Json(answer.ToArray());
    }

    /// <summary>The waiting conditional order named by algoId or clientAlgoId.</summary>
    private static async Task<Contracts.ConditionalOrderResponse?> Find(BinanceParameters query, ConditionalOrders conditionals, long accountId, MarketSpec spec)
    {
        var id = query.OptionalWhole("algoId", 1, long.MaxValue);
        var clientId = query.Text("clientAlgoId");
        if (id is null && clientId is null) throw new BinanceException(BinanceErrors.Mandatory("algoId"));
        var match = (await conditionals.Pending(accountId, spec))
            .FirstOrDefault(c => id is not null ? c.Id == id : c.Terms.Order.ClientOrderId == clientId);
        return match.Id > 0 ? ConditionalOrders.Response(spec, match, "pending") : null;
    }

    private static BinanceAlgoOrder Algo(MarketSpec spec, Contracts.ConditionalOrderResponse c)
    {
        var type = (c.Trigger, c.Type) switch
        {
            ("stop", "market") => "STOP_MARKET",
            ("stop", _) => "STOP",
            ("take_profit", "market") => "TAKE_PROFIT_MARKET",
            ("take_profit", _) => "TAKE_PROFIT",
            _ => "TRAILING_STOP_MARKET",
        };
        var status = c.Status == "cancelled" ? "CANCELED" : "NEW";
        return new BinanceAlgoOrder(c.ConditionalId, c.ClientOrderId, "CONDITIONAL", type, BinanceSymbols.Of(spec.Symbol)!,
            c.Side == "buy" ? "BUY" : "SELL", "BOTH", c.TimeInForce switch { "ioc" => "IOC", "fok" => "FOK", _ => "GTC" },
            c.Size ?? "0", status, c.TriggerPrice ?? c.TrailingTrigger ?? "0", c.Price ?? "0",
            "EXPIRE_TAKER", c.TriggerBy == "mark" ? "MARK_PRICE" : "CONTRACT_PRICE", "NONE", false, false, c.ReduceOnly,
            c.CreatedAt, c.CreatedAt, 0, 0, c.CallbackBps is { } bps ? (bps / 100m).ToString(CultureInfo.InvariantCulture) : null);
    }

    private static long Numbers(Func<long> read)
    {
        try
        {
            return read();
        }
        catch (ApiException ex)
        {
            throw new BinanceException(BinanceErrors.From(ex.Error));
        }
    }
}
