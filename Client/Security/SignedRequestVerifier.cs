using System.Globalization;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Keys;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Security;

/// <summary>
/// Checks a signed request: the three headers, the timestamp inside the window (before anything touches the key
/// store), the key, the signature, and last the replay check (so that only a genuine signature is remembered). The
/// clock is read once: the window check and the replay guard judge the same millisecond.
/// </summary>
public sealed class SignedRequestVerifier(ApiKeys keys, IReplayGuard replays, TimeProvider clock, IOptions<GatewayOptions> options)
{
    public const string KeyHeader = "X-API-KEY", TimestampHeader = "X-TIMESTAMP", SignatureHeader = "X-SIGNATURE";

    private readonly long _windowMs = (long)options.Value.SignatureWindow.TotalMilliseconds;

    /// <summary>The verified caller, or why the request is refused. <paramref name="feed"/>: the endpoint takes a price feed's key, not an account's.</summary>
    public Task<(ApiCaller? Caller, ApiError? Error)> Verify(HttpContext context, ReadOnlyMemory<byte> body, bool feed = false)
    {
        var request = context.Request;
        if (Single(request, KeyHeader) is not { } apiKey || Single(request, TimestampHeader) is not { } timestamp
            || Single(request, SignatureHeader) is not { } signature)
            return Task.FromResult<(ApiCaller?, ApiError?)>((null, ApiError.Unauthorized(ErrorCodes.Unauthorized,
                $"a signed request needs exactly one each of {KeyHeader}, {TimestampHeader} and {SignatureHeader}")));
        return Verify(apiKey, timestamp, signature, request.Method, PathAndQuery(context), body, context.RequestAborted, feed);
    }

    /// <summary>
    /// The same checks for credentials that did not come in headers (the WebSocket's auth message): the signature is
    /// over timestamp + method + path-with-query + body, exactly as for a request. A key of the other kind (a feed's
    /// where an account's is needed, or the other way round) is refused with 403 once its signature is known to be
    /// genuine, and before the replay guard records it.
    /// </summary>
    public async Task<(ApiCaller? Caller, ApiError? Error)> Verify(string apiKey, string timestamp, string signature, string method,
        string pathAndQuery, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, bool feed = false)
    {
        if (timestamp.Length > 16 || !timestamp.All(char.IsAsciiDigit)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt))
            return (null, ApiError.Unauthorized(ErrorCodes.InvalidTimestamp, "the timestamp must be Unix time in milliseconds"));
        if (!RequestSignature.IsSignableTarget(pathAndQuery))
            return (null, ApiError.BadRequest(ErrorCodes.BadRequest, "the request target must start with '/' and hold no control characters"));
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (Math.Abs(now - sentAt) > _windowMs)
            return (null, ApiError.Unauthorized(ErrorCodes.TimestampOutOfWindow,
                $"the timestamp is more than {_windowMs} ms from the server's clock").With("serverTime", now));

        var key = await keys.Resolve(apiKey, cancellationToken);
        if (key is null) return (null, ApiError.Unauthorized(ErrorCodes.Unauthorized, "unknown API key"));
        if (!RequestSignature.Matches(key.Secret, timestamp, method, pathAndQuery, body.Span, signature))
            return (null, ApiError.Unauthorized(ErrorCodes.InvalidSignature,
                "the signature does not match: lower-case hex HMAC-SHA256 over timestamp + METHOD + path-with-query, then a newline and the body if there is one"));
        if (feed && key.FeedId is null)
            return (null, ApiError.Forbidden(ErrorCodes.FeedKeyRequired, "this endpoint takes a price feed's API key; an account's key cannot publish prices"));
        if (!feed && key.FeedId is not null)
            return (null, ApiError.Forbidden(ErrorCodes.AccountKeyRequired, "a price feed's API key may only publish its prices"));
        bool fresh;
        try
        {
            fresh = await replays.TryRecord(signature, sentAt, now, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ApiError.Unavailable(ErrorCodes.ServiceUnavailable, "the replay guard cannot be reached; the request was not applied"));
        }
        if (!fresh) return (null, ApiError.Unauthorized(ErrorCodes.ReplayedRequest, "this signature was already used"));
        return (new ApiCaller(key.AccountId, apiKey, key.FeedId), null);
    }

    /// <summary>The request target exactly as the client sent it, which is what the client signed.</summary>
    public static string PathAndQuery(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return !string.IsNullOrEmpty(raw) && raw[0] == '/' ? raw : context.Request.GetEncodedPathAndQuery();
    }

    private static string? Single(HttpRequest request, string header) =>
        request.Headers.TryGetValue(header, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
