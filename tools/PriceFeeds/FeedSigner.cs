using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.PriceFeeds;

/// <summary>
/// Signs a request as the gateway verifies account and feed requests alike: X-SIGNATURE = lower-case hex
/// HMAC-SHA256(secret, timestamp + METHOD + path-with-query, then a newline and the body when there is one), with
/// X-API-KEY and X-TIMESTAMP (Unix ms from <paramref name="clock"/>).
/// </summary>
public sealed class FeedSigner(string apiKey, string secret, TimeProvider clock)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

    public HttpRequestMessage Sign(HttpMethod method, string pathAndQuery, byte[]? body)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonType } };
        request.Headers.TryAddWithoutValidation("X-API-KEY", apiKey);
        request.Headers.TryAddWithoutValidation("X-TIMESTAMP", timestamp);
        request.Headers.TryAddWithoutValidation("X-SIGNATURE", Signature(timestamp, method.Method, pathAndQuery, body ?? []));
        return request;
    }

    public string Signature(string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(timestamp + method + pathAndQuery);
        var signed = new byte[head.Length + (body.IsEmpty ? 0 : 1 + body.Length)];
        head.CopyTo(signed, 0);
        if (!body.IsEmpty)
        {
            signed[head.Length] = (byte)'\n';
            body.CopyTo(signed.AsSpan(head.Length + 1));
        }
        return Convert.ToHexStringLower(HMACSHA256.HashData(_secret, signed));
    }
}
