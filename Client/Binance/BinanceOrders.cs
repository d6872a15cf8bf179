using System.Diagnostics;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;
using Exchange.Client.Telemetry;
using Exchange.Matching;

namespace Exchange.Client.Binance;

/// <summary>
/// Binance USDⓈ-M order entry and order queries, through the same account grains and <see cref="OrderService"/> as the
/// native API (the same margin check, rules and idempotency: a repeated newClientOrderId answers with the original order).
/// LIMIT and MARKET orders with GTC, IOC, FOK and GTX (post-only), reduce-only and self-trade prevention. Conditional
/// types (STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET) are refused here (-1116), as Binance
/// refuses them on this endpoint: they go to the algo order endpoints (<see cref="BinanceAlgoOrders"/>). One-way mode only
/// (positionSide BOTH).
/// </summary>
public static class BinanceOrders
{
    private static readonly string[] PlaceParameters =
    [
        "symbol", "side", "positionSide", "type", "timeInForce", "quantity", "reduceOnly", "price", "newClientOrderId", "stopPrice",
        "closePosition", "activationPrice", "callbackRate", "workingType", "priceProtect", "newOrderRespType", "priceMatch",
        "selfTradePreventionMode", "goodTillDate",
    ];

    private static readonly string[] Conditional = ["STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"];

    public static void Map(RouteGroupBuilder fapi)
    {
        Signed(fapi.MapPost("/v1/order", Place).WithMetadata(Hosting.OrderAdmission.Metadata.Instance), BinanceRateLimitPolicy.Orders, PlaceParameters);
        Signed(fapi.MapPost("/v1/batchOrders", PlaceBatch).WithMetadata(Hosting.OrderAdmission.Metadata.Instance), BinanceRateLimitPolicy.Orders, "batchOrders");
        BinanceAlgoOrders.Map(fapi); // conditional orders: Binance takes them on its algo order endpoints only
        Signed(fapi.MapDelete("/v1/order", Cancel), BinanceRateLimitPolicy.Cancels, "symbol", "orderId", "origClientOrderId");
        Signed(fapi.MapDelete("/v1/allOpenOrders", CancelAll), BinanceRateLimitPolicy.Cancels, "symbol");
        Signed(fapi.MapGet("/v1/order", Get), BinanceRateLimitPolicy.Queries, "symbol", "orderId", "origClientOrderId");
        Signed(fapi.MapGet("/v1/openOrders", Open), BinanceRateLimitPolicy.Queries, "symbol");
        Signed(fapi.MapGet("/v1/allOrders", All), BinanceRateLimitPolicy.Queries, "symbol", "orderId", "startTime", "endTime", "limit");
        Signed(fapi.MapGet("/v1/userTrades", UserTrades), BinanceRateLimitPolicy.Queries,
            "symbol", "orderId", "startTime", "endTime", "fromId", "limit");
    }

    internal static void Signed(RouteHandlerBuilder endpoint, string policy, params string[] parameters) =>
        endpoint.WithMetadata(new BinanceEndpoint(RequiresSignature: true, parameters)).RequireRateLimiting(policy);

    private static async Task<IResult> Place(HttpContext context, MarketDirectory markets, OrderService orders, GatewayMetrics metrics)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var (order, clientOrderIdGiven) = Read(query, spec, caller.AccountId);
        var result = await orders.Place(caller.AccountId, spec, order, clientOrderIdGiven, Hosting.OrderAdmission.Shed(context));
        metrics.OrderAnswered(startedAt, result.Error?.Code, newOrder: !result.Repeated);
        return result.Error is { } error ? BinanceErrors.From(error).ToResult() : BinanceMarketData.Json(Order(spec, result.Order!));
    }

    /// <summary>
    /// <c>batchOrders</c>: a JSON list of up to <c>Gateway:MaxBatchOrders</c> orders (Binance takes 5), each with the parameters
    /// of <c>POST /fapi/v1/order</c>; answered, in order, with each order or its <c>{code, msg}</c>, as Binance answers. The
    /// orders of one market go through one account call, as on <c>POST /api/v1/orders/batch</c>.
    /// </summary>
    private static async Task<IResult> PlaceBatch(HttpContext context, MarketDirectory markets, OrderService orders, GatewayMetrics metrics,
        Microsoft.Extensions.Options.IOptions<Hosting.GatewayOptions> options)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var caller = ApiCaller.Of(context);
        System.Text.Json.JsonElement[] items;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(BinanceParameters.Of(context).Required("batchOrders"));
            items = document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
                ? [.. document.RootElement.EnumerateArray().Select(e => e.Clone())] : [];
        }
        catch (System.Text.Json.JsonException)
        {
            items = [];
        }
        var max = options.Value.MaxBatchOrders;
        if (items.Length is 0 || items.Length > max)
            throw new BinanceException(BinanceErrors.Invalid("batchOrders", $"a JSON list of 1 to {max} orders"));
        var read = new (MarketSpec Spec, PlaceOrder Order, bool Given)?[items.Length];
        var answers = new object[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            try
            {
                var query = BinanceParameters.FromJson(items[i], PlaceParameters);
                var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
                var (order, given) = Read(query, spec, caller.AccountId);
                read[i] = (spec, order, given);
            }
            catch (BinanceException ex)
            {
                answers[i] = new BinanceErrorBody(ex.Error.Code, ex.Error.Msg);
            }
        }
        foreach (var market in Enumerable.Range(0, items.Length).Where(i => read[i] is not null).GroupBy(i => read[i]!.Value.Spec.Symbol))
        {
            var positions = market.ToArray();
            var spec = read[positions[0]]!.Value.Spec;
            var results = await orders.PlaceMany(caller.AccountId, spec, [.. positions.Select(i => read[i]!.Value.Order)],
                [.. positions.Select(i => read[i]!.Value.Given)], Hosting.OrderAdmission.Shed(context));
            for (var k = 0; k < positions.Length; k++)
            {
                metrics.OrderAnswered(startedAt, results[k].Error?.Code, newOrder: !results[k].Repeated);
                answers[positions[k]] = results[k].Error is { } error
                    ? new BinanceErrorBody(BinanceErrors.From(error).Code, BinanceErrors.From(error).Msg) : Order(spec, results[k].Order!);
            }
        }
        return BinanceMarketData.Json(answers);
    }

    private static (PlaceOrder Order, bool ClientOrderIdGiven) Read(BinanceParameters query, MarketSpec spec, long accountId)
    {
        var typeText = query.Required("type");
        if (Conditional.Contains(typeText)) throw new BinanceException(BinanceErrors.UnsupportedOrderType);
        var type = typeText switch
        {
            "LIMIT" => OrderType.Limit,
            "MARKET" => OrderType.Market,
            _ => throw new BinanceException(new(StatusCodes.Status400BadRequest, -1116, "Invalid orderType.")),
        };
        var side = query.Required("side") switch
        {
            "BUY" => Side.Buy,
            "SELL" => Side.Sell,
            _ => throw new BinanceException(new(StatusCodes.Status400BadRequest, -1117, "Invalid side.")),
        };
        if (query.Text("positionSide") is { } positionSide && positionSide != "BOTH") throw new BinanceException(BinanceErrors.PositionSide);
        foreach (var name in new[] { "stopPrice", "activationPrice", "callbackRate", "goodTillDate" })
            query.Neutral(name, "0");
        query.Neutral("closePosition", "false");
        query.Neutral("priceProtect", "false");
        query.Neutral("workingType", "CONTRACT_PRICE");
        query.Neutral("priceMatch", "NONE");
        if (query.Text("newOrderRespType") is { } respType && respType is not ("ACK" or "RESULT"))
            throw new BinanceException(BinanceErrors.Invalid("newOrderRespType", "ACK or RESULT"));

        var (timeInForce, postOnly) = query.Text("timeInForce") switch
        {
            null or "GTC" => (TimeInForce.GoodTillCancel, false),
            "IOC" => (TimeInForce.ImmediateOrCancel, false),
            "FOK" => (TimeInForce.FillOrKill, false),
            "GTX" => (TimeInForce.GoodTillCancel, true),
            _ => throw new BinanceException(new(StatusCodes.Status400BadRequest, -1115, "Invalid timeInForce: GTC, IOC, FOK or GTX.")),
        };
        var stp = query.Text("selfTradePreventionMode") switch
        {
            null => SelfTradePrevention.CancelTaker,
            "EXPIRE_TAKER" => SelfTradePrevention.CancelTaker,
            "EXPIRE_MAKER" => SelfTradePrevention.CancelMaker,
            "EXPIRE_BOTH" => SelfTradePrevention.CancelBoth,
            "NONE" => SelfTradePrevention.None,
            _ => throw new BinanceException(BinanceErrors.Invalid("selfTradePreventionMode", "NONE, EXPIRE_TAKER, EXPIRE_MAKER or EXPIRE_BOTH")),
        };
        var clientOrderId = query.Text("newClientOrderId");
        if (clientOrderId is not null && !Identifiers.IsValid(clientOrderId)) throw new BinanceException(BinanceErrors.From(
            ApiError.BadRequest(ErrorCodes.InvalidClientOrderId, "")));
        if (postOnly && type == OrderType.Market) throw new BinanceException(BinanceErrors.From(ApiError.BadRequest(ErrorCodes.InvalidOrderTerms, "")));

        long price = 0;
        if (type == OrderType.Limit) price = Numbers(() => Units.Ticks(spec, query.Required("price"), "price"));
        else if (query.Text("price") is not null) throw new BinanceException(BinanceErrors.NotRequired("price"));
        var size = Numbers(() => Units.Lots(spec, query.Required("quantity"), "quantity"));
        var flags = (postOnly ? OrderFlags.PostOnly : OrderFlags.None) | (query.Bool("reduceOnly") ? OrderFlags.ReduceOnly : OrderFlags.None);
        return (new PlaceOrder(accountId, side, type, price, size, timeInForce, flags, stp, clientOrderId ?? Identifiers.NewClientOrderId()),
            clientOrderId is not null);
    }

    /// <summary>The native unit checks, their refusals in Binance's terms.</summary>
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

    /// <summary>The order named by orderId or origClientOrderId.</summary>
    private static (long OrderId, string? ClientOrderId) Named(BinanceParameters query)
    {
        var orderId = query.OptionalWhole("orderId", 1, long.MaxValue);
        var clientOrderId = query.Text("origClientOrderId");
        if (orderId is null && clientOrderId is null) throw new BinanceException(BinanceErrors.Mandatory("orderId"));
        return (orderId ?? 0, clientOrderId);
    }

    private static async Task<IResult> Cancel(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var (orderId, clientOrderId) = Named(query);
        if (clientOrderId is not null && !Identifiers.IsValid(clientOrderId)) return BinanceErrors.UnknownOrderOnCancel.ToResult();
        var result = await orders.Cancel(caller.AccountId, spec, orderId, orderId == 0 ? clientOrderId : null);
        return result.Error is { } error ? BinanceErrors.From(error, BinanceErrors.UnknownOrderOnCancel).ToResult()
            : BinanceMarketData.Json(Order(spec, result.Order!));
    }

    private static async Task<IResult> CancelAll(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var (_, error) = await orders.CancelAll(ApiCaller.Of(context).AccountId, spec);
        return error is not null ? BinanceErrors.From(error).ToResult()
            : BinanceMarketData.Json(new BinanceCodeMessage(200, "The operation of cancel all open order is done."));
    }

    private static async Task<IResult> Get(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var (orderId, clientOrderId) = Named(query);
        OrderRecord? order;
        if (orderId > 0) order = await orders.Find(caller.AccountId, spec, orderId);
        else order = Identifiers.IsValid(clientOrderId) ? await orders.FindByClientId(caller.AccountId, spec, clientOrderId!) : null;
        return order is null ? BinanceErrors.UnknownOrderOnQuery.ToResult() : BinanceMarketData.Json(Order(spec, order));
    }

    private static async Task<IResult> Open(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = BinanceParameters.Of(context);
        var caller = ApiCaller.Of(context);
        var answer = new List<BinanceOrder>();
        foreach (var spec in await BinanceSymbols.OneOrAll(markets, query.Text("symbol")))
            answer.AddRange((await orders.Open(caller.AccountId, spec)).Select(o => Order(spec, o)));
        return BinanceMarketData.Json(answer.OrderBy(o => o.Time).ThenBy(o => o.OrderId).ToArray());
    }

    /// <summary>The account's orders in the market, oldest first, as far back as the market keeps account events.</summary>
    private static async Task<IResult> All(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var limit = (int)query.Whole("limit", 500, 1, 1000);
        var fromId = query.OptionalWhole("orderId", 0, long.MaxValue);
        var (start, end) = (query.Micros("startTime"), query.Micros("endTime"));
        var history = await orders.History(ApiCaller.Of(context).AccountId, spec);
        var selected = history.Orders.Values.Where(o => (fromId is null || o.OrderId >= fromId)
                && (start is null || o.CreatedAt >= start) && (end is null || o.CreatedAt <= end + 999))
            .OrderBy(o => o.OrderId);
        return BinanceMarketData.Json((fromId is null && start is null ? selected.TakeLast(limit) : selected.Take(limit))
            .Select(o => Order(spec, o)).ToArray());
    }

    private static async Task<IResult> UserTrades(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var limit = (int)query.Whole("limit", 500, 1, 1000);
        var orderId = query.OptionalWhole("orderId", 1, long.MaxValue);
        var fromId = query.OptionalWhole("fromId", 0, long.MaxValue);
        var (start, end) = (query.Micros("startTime"), query.Micros("endTime"));
        var history = await orders.History(ApiCaller.Of(context).AccountId, spec);
        var name = BinanceSymbols.Of(spec.Symbol)!;
        var fills = history.Fills.Where(f => (orderId is null || f.OrderId == orderId) && (fromId is null || f.Sequence >= fromId)
            && (start is null || f.Timestamp >= start) && (end is null || f.Timestamp <= end + 999));
        var selected = fromId is null && start is null ? fills.TakeLast(limit) : fills.Take(limit);
        return BinanceMarketData.Json(selected.Select(f => new BinanceUserTrade(name, f.Sequence, f.OrderId, SideText(f.Side),
            Units.Price(spec, f.Price), Units.Size(spec, f.Size), BinanceMarketData.Quote(spec, (Int128)f.Price * f.Size), f.Timestamp / 1000,
            "BOTH", f.Side == Side.Buy, f.Maker)).ToArray());
    }

    private static string SideText(Side side) => side == Side.Buy ? "BUY" : "SELL";

    public static BinanceOrder Order(MarketSpec spec, OrderRecord o)
    {
        var type = o.Type == OrderType.Market ? "MARKET" : "LIMIT";
        var executed = Units.Size(spec, o.Filled);
        return new BinanceOrder(o.OrderId, BinanceSymbols.Of(spec.Symbol)!, StatusText(o), o.ClientOrderId,
            o.Type == OrderType.Market ? "0" : Units.Price(spec, o.Price),
            o.Filled == 0 ? "0" : Units.AveragePrice(spec, o.FilledTickLots, o.Filled), Units.Size(spec, o.Size), executed, executed,
            BinanceMarketData.Quote(spec, o.FilledTickLots), TimeInForceText(o), type, (o.Flags & OrderFlags.ReduceOnly) != 0, false, SideText(o.Side),
            "BOTH", "0", "CONTRACT_PRICE", false, type, "NONE", SelfTradePreventionMode(o.SelfTradePrevention), 0,
            o.CreatedAt / 1000, o.UpdatedAt / 1000);
    }

    private static string StatusText(OrderRecord o) => o.CancelReason switch
    {
        CancelReason.SelfTradePrevention => "EXPIRED_IN_MATCH",
        _ => o.Status switch
        {
            OrderStatus.PartiallyFilled => "PARTIALLY_FILLED",
            OrderStatus.Filled => "FILLED",
            OrderStatus.Cancelled => "CANCELED",
            OrderStatus.Expired => "EXPIRED",
            _ => "NEW",
        },
    };

    private static string TimeInForceText(OrderRecord o) => (o.Flags & OrderFlags.PostOnly) != 0 ? "GTX" : o.TimeInForce switch
    {
        TimeInForce.ImmediateOrCancel => "IOC",
        TimeInForce.FillOrKill => "FOK",
        _ => "GTC",
    };

    private static string SelfTradePreventionMode(SelfTradePrevention stp) => stp switch
    {
        SelfTradePrevention.CancelMaker => "EXPIRE_MAKER",
        SelfTradePrevention.CancelBoth => "EXPIRE_BOTH",
        SelfTradePrevention.None => "NONE",
        _ => "EXPIRE_TAKER",
    };
}
