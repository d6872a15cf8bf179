using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.LoadGenerator;

/// <summary>
/// Signs as the API specifies: X-SIGNATURE = lower-case hex HMAC-SHA256(secret, timestamp + METHOD + path-with-query,
/// then a newline and the body when there is one), X-TIMESTAMP in Unix milliseconds from this machine's clock.
/// </summary>
internal sealed class RequestSigner(string apiKey, string secret)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

    public HttpRequestMessage Sign(HttpMethod method, string pathAndQuery, byte[]? body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("X-API-KEY", apiKey);
        headers.TryAddWithoutValidation("X-TIMESTAMP", timestamp);
        headers.TryAddWithoutValidation("X-SIGNATURE", Signature(timestamp, method.Method, pathAndQuery, body ?? []));
        return request;
    }

    public string ApiKey => apiKey;

    /// <summary>The WebSocket's <c>auth</c> message: the signature of timestamp + "GET" + "/ws", no body.</summary>
    public byte[] WebSocketAuth()
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            op = "auth", apiKey, timestamp, signature = Signature(timestamp, "GET", "/ws", []),
        });
    }

    private string Signature(string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        var length = timestamp.Length + method.Length + Encoding.UTF8.GetMaxByteCount(pathAndQuery.Length) + 1 + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(timestamp, buffer);
            written += Encoding.UTF8.GetBytes(method, buffer.AsSpan(written));
            written += Encoding.UTF8.GetBytes(pathAndQuery, buffer.AsSpan(written));
            if (!body.IsEmpty)
            {
                buffer[written++] = (byte)'\n';
                body.CopyTo(buffer.AsSpan(written));
                written += body.Length;
            }
            Span<byte> hash = stackalloc byte[32];
            HMACSHA256.HashData(_secret, buffer.AsSpan(0, written), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
