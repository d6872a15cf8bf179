using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Exchange.PriceFeeds;

namespace Exchange.Stress.Running;

/// <summary>One answer from the gateway: its status, body and how long it took; status 0 when no answer came.</summary>
internal readonly record struct ApiAnswer(int Status, string Body, double Milliseconds, string? Failure = null)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The error's stable code (RFC 7807 <c>code</c>), if the body has one.</summary>
    public string? Code => Json.Code(Body);

    public JsonElement Parse() => JsonDocument.Parse(Body).RootElement.Clone();

    public override string ToString() => Status == 0 ? $"no answer ({Failure})" : $"{Status} {(Body.Length > 300 ? Body[..300] : Body)}";
}

/// <summary>
/// The gateway's HTTP API as the runner uses it: admin calls with the bearer token, public reads, and signed account
/// calls (signed by <see cref="FeedSigner"/>, which signs account and feed requests alike). Every call returns what
/// the gateway said; the ones setting the scenario up throw on a refusal, naming the call.
/// </summary>
internal sealed class ExchangeApi(HttpClient http, string adminToken)
{
    private const int IdempotentAttempts = 5;
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public HttpClient Http => http;

    public string AdminToken => adminToken;

    public Task<ApiAnswer> AdminAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        if (body is not null) request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json.Web)) { Headers = { ContentType = JsonType } };
        return SendAsync(request, ct);
    }

    /// <summary>An admin call that must succeed (setting the scenario up).</summary>
    public async Task<JsonElement> AdminRequiredAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var answer = await AdminAsync(method, path, body, ct);
        if (!answer.Ok) throw new InvalidOperationException($"{method} {path}: {answer}");
        return answer.Body.Length == 0 ? default : answer.Parse();
    }

    /// <summary>
    /// An admin call that must succeed and carries its own idempotency key (a transfer id): an answer that leaves the
    /// outcome open (503, or none) is asked again with the same key, as a careful client does, since the exchange applies
    /// a key once; any other refusal, or the last attempt's, throws.
    /// </summary>
    public async Task<JsonElement> AdminIdempotentAsync(HttpMethod method, string path, object body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await AdminAsync(method, path, body, ct);
            if (answer.Ok) return answer.Body.Length == 0 ? default : answer.Parse();
            if (answer.Status is not (0 or 503) || attempt == IdempotentAttempts) throw new InvalidOperationException($"{method} {path}: {answer}");
            await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), ct);
        }
    }

    /// <summary>Many accounts' views in one admin call (up to 1,000 ids): an <see cref="Client.Contracts.AccountViewsResponse"/> when it succeeds.</summary>
    public Task<ApiAnswer> AccountViewsAsync(IEnumerable<long> accountIds, CancellationToken ct) =>
        AdminAsync(HttpMethod.Post, "/admin/v1/accounts/views", new { accountIds }, ct);

    public Task<ApiAnswer> GetAsync(string path, CancellationToken ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);

    public Task<ApiAnswer> SignedAsync(StressAccount account, HttpMethod method, string pathAndQuery, string? body, CancellationToken ct) =>
        SendAsync(account.Signer.Sign(method, pathAndQuery, body is null ? null : Encoding.UTF8.GetBytes(body)), ct);

    private async Task<ApiAnswer> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using (request)
            using (var response = await http.SendAsync(request, ct))
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                return new ApiAnswer((int)response.StatusCode, text, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new ApiAnswer(0, "", Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetType().Name + ": " + e.Message);
        }
    }

    public static HttpClient NewHttpClient(Uri gateway) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 256,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(30),
    };
}

/// <summary>JSON helpers: the web defaults, and exact decimals read from the API's strings.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static T Read<T>(string text) => JsonSerializer.Deserialize<T>(text, Web) ?? throw new JsonException($"no {typeof(T).Name} in the answer");

    public static decimal? Decimal(string? text) =>
        text is null ? null : decimal.Parse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The shortest exact text: no exponent, no trailing zeros (the API counts decimals against the tick).</summary>
    public static string Text(decimal value) => value.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Code(string body)
    {
        if (body.Length == 0 || body[0] != '{') return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
