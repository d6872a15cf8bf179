using System.Text.Json;
using Exchange.Client.Errors;

namespace Exchange.Client.Binance;

/// <summary>A refusal as Binance writes it: <c>{"code": -2011, "msg": "..."}</c> with an HTTP status.</summary>
/// <param name="RetryAfter">Seconds, sent as the Retry-After header (null: none).</param>
public sealed record BinanceError(int Status, int Code, string Msg, int? RetryAfter = null)
{
    public BinanceError WithDetail(string detail) => this with { Msg = $"{Msg} ({detail})" };

    public IResult ToResult()
    {
        var result = Results.Json(new BinanceErrorBody(Code, Msg), BinanceJson.Options, statusCode: Status);
        return RetryAfter is { } seconds ? new WithRetryAfter(result, seconds) : result;
    }

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        if (RetryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(new BinanceErrorBody(Code, Msg), BinanceJson.Options);
    }
}

public sealed record BinanceErrorBody(int Code, string Msg);

/// <summary>Thrown while reading a request on the Binance surface; the surface's filter answers with its error.</summary>
public sealed class BinanceException(BinanceError error) : Exception(error.Msg)
{
    public BinanceError Error { get; } = error;
}

/// <summary>The JSON of the Binance surface: camelCase, nulls left out.</summary>
public static class BinanceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>
/// The Binance error codes this surface answers with. Where Binance has several codes for one refusal, the one chosen is
/// the one CCXT's <c>binanceusdm</c> maps to the right exception class when it talks to a venue other than binance.com
/// (it then reads only its venue-independent table, and matches some messages exactly before codes, so a few messages
/// here are Binance's own wording to the letter).
/// </summary>
public static class BinanceErrors
{
    private const int BadRequest = StatusCodes.Status400BadRequest;

    public static readonly BinanceError Unavailable = new(StatusCodes.Status503ServiceUnavailable, -1001,
        "Internal error; unable to process your request. Please try again.");
    public static readonly BinanceError RateLimited = new(StatusCodes.Status429TooManyRequests, -1003,
        "Too many requests; current limit is exceeded, retry after the Retry-After header's seconds.");
    public static readonly BinanceError InvalidSymbol = new(BadRequest, -1121, "Invalid symbol.");
    public static readonly BinanceError ApiKeyFormat = new(StatusCodes.Status401Unauthorized, -2014, "API-key format invalid.");
    public static readonly BinanceError InvalidApiKey = new(StatusCodes.Status401Unauthorized, -2015,
        "Invalid API-key, IP, or permissions for action.");
    public static readonly BinanceError InvalidSignature = new(BadRequest, -1022, "Signature for this request is not valid.");
    public static readonly BinanceError OutsideRecvWindow = new(BadRequest, -1021, "Timestamp for this request is outside of the recvWindow.");
    public static readonly BinanceError Replayed = new(BadRequest, -1021,
        "Timestamp for this request was already used: this signature was already received, sign each request anew.");
    public static readonly BinanceError BadRecvWindow = new(BadRequest, -1131, "recvWindow must be less than 60000.");
    public static readonly BinanceError UnknownOrderOnCancel = new(BadRequest, -2011, "Unknown order sent.");
    public static readonly BinanceError UnknownOrderOnQuery = new(BadRequest, -2013, "Order does not exist.");
    public static readonly BinanceError UnsupportedOrderType = new(BadRequest, -1116,
        "Invalid orderType. Conditional orders (STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET) go to POST /fapi/v1/algoOrder; this endpoint takes LIMIT and MARKET.");
    public static readonly BinanceError PositionSide = new(BadRequest, -4061,
        "Order's position side does not match user's setting. Only one-way mode (positionSide BOTH) exists.");

    public static BinanceError Mandatory(string name) =>
        new(BadRequest, -1102, $"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.");

    public static BinanceError NotRequired(string name) => new(BadRequest, -1106, $"Parameter '{name}' sent when not required.");

    public static BinanceError Invalid(string name, string why) => new(BadRequest, -1130, $"Data sent for parameter '{name}' is not valid: {why}.");

    public static BinanceError UnknownParameter(string name, IEnumerable<string> allowed) => new(BadRequest, -1104,
        $"Not all sent parameters were read: unknown parameter '{ApiError.Shorten(name)}'; allowed: {string.Join(", ", allowed)}.");

    public static BinanceError Duplicate(string name) => new(BadRequest, -1101, $"Duplicate values for parameter '{ApiError.Shorten(name)}'.");

    /// <summary>A refusal of the native API (validation or the grains) in Binance's words; notFound is the code for no such order.</summary>
    public static BinanceError From(ApiError error, BinanceError? notFound = null) => error.Code switch
    {
        // Matched by its exact text to CCXT's InsufficientFunds; -2019 is Binance's code for it.
        ErrorCodes.InsufficientMargin => new(BadRequest, -2019, "Account has insufficient balance for requested action."),
        // Matched by its exact text to CCXT's OrderImmediatelyFillable; -5022 is Binance's code for a GTX order that would take.
        ErrorCodes.PostOnlyWouldTake => new(BadRequest, -5022, "Order would immediately match and take."),
        ErrorCodes.ReduceOnlyWouldIncrease => new(BadRequest, -2010, "ReduceOnly Order is rejected: a reduce-only order must shrink the position."),
        // Binance's code and words for a position beyond its limit (CCXT: InvalidOrder), then which cap it was.
        ErrorCodes.OpenInterestLimit => new(BadRequest, -2027, "Exceeded the maximum allowable position: " + error.Detail),
        ErrorCodes.NoLiquidity => new(BadRequest, -2010, "Order would be rejected: no opposite orders to price the market order against."),
        ErrorCodes.MarketHalted or ErrorCodes.MarketCancelOnly => new(BadRequest, -1013, "Market is closed."),
        ErrorCodes.MarketPostOnly or ErrorCodes.MarketInAuction => new(BadRequest, -2010, error.Detail),
        ErrorCodes.OrderNotFound => notFound ?? UnknownOrderOnQuery,
        ErrorCodes.InvalidPrice => new(BadRequest, -4014, $"Filter failure: PRICE_FILTER: {error.Detail}"),
        ErrorCodes.InvalidSize => new(BadRequest, -4023, $"Filter failure: LOT_SIZE: {error.Detail}"),
        ErrorCodes.InvalidClientOrderId => new(BadRequest, -4015, "Client order id is not valid: 1 to 64 printable ASCII characters."),
        ErrorCodes.InvalidOrderTerms => new(BadRequest, -1014, "Unsupported order combination."),
        // Binance says "Order would immediately trigger."; CCXT maps this wording exactly, whatever the host.
        ErrorCodes.WouldTriggerImmediately => new(BadRequest, -2021, "Order would trigger immediately."),
        ErrorCodes.InvalidTrigger => new(BadRequest, -4014, $"Filter failure: PRICE_FILTER: {error.Detail}"),
        ErrorCodes.DuplicateClientOrderId => new(BadRequest, -4116, "ClientOrderId is duplicated."),
        ErrorCodes.UnknownMarket => InvalidSymbol,
        ErrorCodes.RateLimited => RateLimited,
        // CCXT: OperationFailed. The order may or may not stand: ask for it by its client order id.
        ErrorCodes.OutcomeUnknown => new(StatusCodes.Status503ServiceUnavailable, -1006,
            "An unexpected response was received from the message bus. Execution status unknown. " + error.Detail),
        // Not applied, certainly: safe to send again (with the same client order id).
        ErrorCodes.ServiceUnavailable or ErrorCodes.JournalUnavailable => Unavailable,
        // Temporary: the index of a market the account holds is stale; CCXT reads a 503 as ExchangeNotAvailable.
        ErrorCodes.MarkUntrusted => new(StatusCodes.Status503ServiceUnavailable, -1000, error.Detail),
        // Binance's own words for -1008 (CCXT: ExchangeNotAvailable, a retry); cancels are still accepted meanwhile.
        ErrorCodes.Overloaded => new(StatusCodes.Status503ServiceUnavailable, -1008,
            "Server is currently overloaded with other requests. Please try again in a few minutes.", error.RetryAfter),
        ErrorCodes.PayloadTooLarge => new(StatusCodes.Status413PayloadTooLarge, -1000, error.Detail),
        _ when error.Status >= 500 => new(error.Status, -1000, "An unknown error occurred while processing the request."),
        _ => new(BadRequest, -1000, error.Detail),
    };
}
