using System.Globalization;
using System.Text;
using Exchange.Client.Security;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Gateway;

/// <summary>A client with an account's API key that signs its requests as the API specifies.</summary>
internal sealed class Trader(HttpClient http, FakeTimeProvider clock, long accountId, string apiKey, string secret)
{
    public long AccountId { get; } = accountId;

    public string ApiKey { get; } = apiKey;

    public string Secret { get; } = secret;

    public HttpClient Http { get; } = http;

    public Task<Api.Response> Get(string pathAndQuery) => Send(HttpMethod.Get, pathAndQuery);

    public Task<Api.Response> Delete(string pathAndQuery) => Send(HttpMethod.Delete, pathAndQuery);

    public Task<Api.Response> Post(string path, object body) => Send(HttpMethod.Post, path, Api.Json(body));

    public Task<Api.Response> Send(HttpMethod method, string pathAndQuery, string? body = null) =>
        Api.Read(Http.SendAsync(Sign(method, pathAndQuery, body)));

    public Task<Api.Response> Send(HttpRequestMessage request) => Api.Read(Http.SendAsync(request));

    /// <summary>A signed request at the fake clock's time, one millisecond after the previous one (so no two repeat).</summary>
    public HttpRequestMessage Sign(HttpMethod method, string pathAndQuery, string? body = null, long? timestamp = null) =>
        Sign(method, pathAndQuery, body is null ? null : Encoding.UTF8.GetBytes(body), timestamp);

    public HttpRequestMessage Sign(HttpMethod method, string pathAndQuery, byte[]? body, long? timestamp = null)
    {
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var sentAt = (timestamp ?? clock.GetUtcNow().ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        var bytes = body ?? [];
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } };
        request.Headers.Add("X-API-KEY", ApiKey);
        request.Headers.Add("X-TIMESTAMP", sentAt);
        request.Headers.Add("X-SIGNATURE", RequestSignature.Compute(Secret, sentAt, method.Method, pathAndQuery, bytes));
        return request;
    }

    /// <summary>A limit order; returns the answer.</summary>
    public Task<Api.Response> Limit(string symbol, string side, string price, string size, string? clientOrderId = null,
        string timeInForce = "gtc", bool postOnly = false) =>
        Post("/api/v1/orders", new { symbol, side, type = "limit", price, size, timeInForce, postOnly, clientOrderId });

    public Task<Api.Response> Market(string symbol, string side, string size, string? clientOrderId = null) =>
        Post("/api/v1/orders", new { symbol, side, type = "market", size, clientOrderId });
}
