using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Exchange.Client.Keys;
using Exchange.Client.Security;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Binance;

/// <summary>Endpoint metadata of the Binance surface: which parameters it reads, and whether it is signed.</summary>
public sealed record BinanceEndpoint(bool RequiresSignature, IReadOnlyCollection<string>? Parameters);

/// <summary>
/// Runs where the native authentication runs (before rate limiting), for the Binance surface only: reads the parameters,
/// and for signed endpoints checks the request as Binance does. X-MBX-APIKEY names the key; the signature is lower-case
/// hex HMAC-SHA256, keyed with the API secret, over the query string followed by the body, without the
/// <c>signature</c> parameter itself; <c>timestamp</c> (Unix ms) may be at most 1 s ahead of the gateway's clock and at
/// most <c>recvWindow</c> (default 5,000, at most 60,000 ms) behind it. The keys, secrets and replay guard are the native
/// API's: the same signature is accepted once.
/// </summary>
public sealed class BinanceSignature(RequestDelegate next, ApiKeys keys, IReplayGuard replays, TimeProvider clock,
    IOptions<GatewayOptions> options)
{
    public const string KeyHeader = "X-MBX-APIKEY";
    public const long DefaultRecvWindow = 5_000, MaxRecvWindow = 60_000, MaxAhead = 1_000;

    private readonly int _maxBody = options.Value.MaxBodyBytes;
    private readonly long _guardWindow = (long)options.Value.SignatureWindow.TotalMilliseconds;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BinanceEndpoint>() is not { } endpoint)
        {
            await next(context);
            return;
        }
        if (await RequestBody.BufferAsync(context, _maxBody) is { } tooLarge)
        {
            await BinanceErrors.From(tooLarge).WriteAsync(context);
            return;
        }
        var error = await Admit(context, endpoint);
        if (error is not null)
        {
            await error.WriteAsync(context);
            return;
        }
        await next(context);
    }

    private async Task<BinanceError?> Admit(HttpContext context, BinanceEndpoint endpoint)
    {
        var target = SignedRequestVerifier.PathAndQuery(context);
        var question = target.IndexOf('?');
        var query = question < 0 ? "" : target[(question + 1)..];
        var body = RequestBody.Of(context).Bytes;
        BinanceParameters parameters;
        try
        {
            parameters = BinanceParameters.Read(query, body.Span, endpoint.Parameters);
        }
        catch (BinanceException ex)
        {
            return ex.Error;
        }
        context.Features.Set(parameters);
        if (!endpoint.RequiresSignature) return null;

        if (!context.Request.Headers.TryGetValue(KeyHeader, out var header) || header.Count != 1 || string.IsNullOrEmpty(header[0]))
            return BinanceErrors.ApiKeyFormat;
        var apiKey = header[0]!;
        if (parameters.Text("timestamp") is not { Length: <= 16 } text || !text.All(char.IsAsciiDigit)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return BinanceErrors.Mandatory("timestamp");
        long recvWindow;
        try
        {
            recvWindow = parameters.Whole("recvWindow", DefaultRecvWindow, 1, long.MaxValue);
        }
        catch (BinanceException ex)
        {
            return ex.Error;
        }
        if (recvWindow > MaxRecvWindow) return BinanceErrors.BadRecvWindow;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (timestamp > now + MaxAhead || now - timestamp > recvWindow) return BinanceErrors.OutsideRecvWindow;

        var key = await keys.Resolve(apiKey, context.RequestAborted);
        // A price feed's key trades for nobody: to this surface it is no key at all.
        if (key is null || key.FeedId is not null) return BinanceErrors.InvalidApiKey;
        if (parameters.Text("signature") is not { } signature) return BinanceErrors.Mandatory("signature");
        if (!Matches(key.Secret, Unsigned(query) + Encoding.UTF8.GetString(Unsigned(body.Span)), signature))
            return BinanceErrors.InvalidSignature;
        // The guard forgets a signature a window after its timestamp; here a request stays acceptable for recvWindow.
        if (!await replays.TryRecord(signature, timestamp + Math.Max(0, recvWindow - _guardWindow), now, context.RequestAborted))
            return BinanceErrors.Replayed;
        context.Features.Set(new ApiCaller(key.AccountId, apiKey));
        return null;
    }

    private static byte[] Unsigned(ReadOnlySpan<byte> body) => Encoding.UTF8.GetBytes(Unsigned(Encoding.UTF8.GetString(body)));

    /// <summary>The parameters as sent, without the signature pair: what the client signed.</summary>
    private static string Unsigned(string encoded) =>
        string.Join('&', encoded.Split('&').Where(pair => !pair.StartsWith("signature=", StringComparison.Ordinal)));

    private static bool Matches(byte[] secret, string payload, string signature)
    {
        if (signature.Length != 64) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(payload)), given);
    }
}
