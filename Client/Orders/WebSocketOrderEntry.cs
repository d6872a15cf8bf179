using System.Diagnostics;
using System.Text.Json;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Security;
using Exchange.Client.Telemetry;

namespace Exchange.Client.Orders;

/// <summary>
/// Orders entered over an authenticated WebSocket: <c>{"op":"order.place"|"order.cancel"|"order.amend","id":...,"args":{...}}</c>.
/// The arguments are read by the same readers as the REST bodies and go through the same <see cref="OrderService"/>, so
/// validation, codes and idempotency are the REST API's; each is answered once its outcome is committed, with the
/// request's id and the status and problem the REST request would have had. Requests run concurrently (a client may
/// pipeline up to <see cref="MaxInFlight"/>; then the socket is not read until one finishes), so answers may come in
/// another order than the requests: the id pairs them.
/// </summary>
public sealed class WebSocketOrderEntry(ApiCaller caller, OrderService orders, MarketDirectory markets, OrderEntryLimits limits,
    GatewayMetrics metrics, Func<byte[], bool> send) : IDisposable
{
    public const int MaxInFlight = 128, MaxIdLength = 64;

    public const string Place = "order.place", Cancel = "order.cancel", Amend = "order.amend";

    private static readonly string[] CancelFields = ["symbol", "orderId", "clientOrderId"];
    private static readonly string[] AmendFields = ["symbol", "orderId", "price", "size", "openSize"];
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);

    public static bool IsOrderOp(string? op) => op is Place or Cancel or Amend;

    /// <summary>Starts the request and returns once it is under way (waiting while <see cref="MaxInFlight"/> are).</summary>
    public async Task Start(string op, JsonBody request)
    {
        var id = request.Element("id");
        if (Problem(id) is { } bad)
        {
            send(Answer(op, id, BatchItemResponse.Failed(bad)));
            return;
        }
        if (!limits.TryTake(caller.ApiKey, cancel: op == Cancel))
        {
            send(Answer(op, id, BatchItemResponse.Failed(new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                "too many orders for this API key: slow down"))));
            return;
        }
        await _inFlight.WaitAsync();
        _ = Run(op, id, request);
    }

    /// <summary>Waits for the requests under way (the session is ending: their answers may still be sent).</summary>
    public async Task Drain()
    {
        for (var i = 0; i < MaxInFlight; i++) await _inFlight.WaitAsync();
    }

    public void Dispose() => _inFlight.Dispose();

    private async Task Run(string op, JsonElement? id, JsonBody request)
    {
        var startedAt = Stopwatch.GetTimestamp();
        BatchItemResponse answer;
        try
        {
            var args = request.Nested("args", op switch { Place => PlaceOrderReader.Fields, Cancel => CancelFields, _ => AmendFields })
                ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "args", "'args' is required: the order's fields"));
            answer = op switch { Place => await PlaceOrder(args), Cancel => await CancelOrder(args), _ => await AmendOrder(args) };
        }
        catch (ApiException ex)
        {
            answer = BatchItemResponse.Failed(ex.Error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            answer = BatchItemResponse.Failed(RejectionErrors.NotAnswered(ex));
        }
        finally
        {
            _inFlight.Release();
        }
        if (op == Place) metrics.OrderAnswered(startedAt, answer.Error?.Extensions["code"] as string, newOrder: answer.Status == 201);
        send(Answer(op, id, answer));
    }

    private async Task<BatchItemResponse> PlaceOrder(JsonBody args)
    {
        var request = await PlaceOrderReader.Read(args, caller.AccountId, markets);
        var result = await orders.Place(caller.AccountId, request.Spec, request.Order, request.ClientOrderIdGiven);
        return Response(request.Spec, result, result.Repeated ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    private async Task<BatchItemResponse> CancelOrder(JsonBody args)
    {
        var spec = await markets.Get(args.RequiredText("symbol"));
        var orderId = args.LongNumber("orderId", 1, long.MaxValue) ?? 0;
        var clientOrderId = args.Text("clientOrderId", ErrorCodes.InvalidClientOrderId);
        if (clientOrderId is not null) Identifiers.ClientOrderId(clientOrderId);
        if (orderId == 0 && clientOrderId is null)
            throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "orderId", "a cancel names an orderId or a clientOrderId"));
        return Response(spec, await orders.Cancel(caller.AccountId, spec, orderId, orderId == 0 ? clientOrderId : null), StatusCodes.Status200OK);
    }

    private async Task<BatchItemResponse> AmendOrder(JsonBody args)
    {
        var spec = await markets.Get(args.RequiredText("symbol"));
        var orderId = args.LongNumber("orderId", 1, long.MaxValue)
            ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "orderId", "'orderId' is required"));
        var priceText = args.Text("price", ErrorCodes.InvalidPrice);
        var sizeText = args.Text("size", ErrorCodes.InvalidSize);
        var openSizeText = args.Text("openSize", ErrorCodes.InvalidSize);
        if (priceText is null && sizeText is null)
            throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "price", "an amend needs a new price, a new size, or both"));
        return Response(spec, await orders.AmendAsAsked(caller.AccountId, spec, orderId, priceText, sizeText, openSizeText), StatusCodes.Status200OK);
    }

    private static BatchItemResponse Response(Exchange.Matching.MarketSpec spec, OrderResult result, int status) =>
        result.Error is { } error ? BatchItemResponse.Failed(error) : new(status, ApiMapping.Order(spec, result.Order!), null);

    /// <summary>An id is a string of 1 to 64 characters or a whole number: it comes back with the answer.</summary>
    private static ApiError? Problem(JsonElement? id) => id switch
    {
        null => ApiError.Field(ErrorCodes.MissingField, "id", "'id' is required: the answer carries it"),
        { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 and <= MaxIdLength } => null,
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out _) => null,
        _ => ApiError.Field(ErrorCodes.InvalidField, "id", $"'id' must be a string of 1 to {MaxIdLength} characters or a whole number"),
    };

    /// <summary>The answer: <c>{"type":"response","op","id","status","order","error"}</c>, the id as it was sent (if it was usable).</summary>
    public static byte[] Answer(string op, JsonElement? id, BatchItemResponse answer) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "response", op, id = Problem(id) is null ? id : null, status = answer.Status, order = answer.Order, error = answer.Error,
    }, Web);
}
