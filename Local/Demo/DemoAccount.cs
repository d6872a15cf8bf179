using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Exchange.Client.Security;

namespace Exchange.Local.Demo;

/// <summary>An account of a simulated trader: created through the admin API, then signing its own requests.</summary>
internal sealed class DemoAccount(HttpClient http, TimeProvider clock, long accountId, string apiKey, string secret)
{
    public long AccountId { get; } = accountId;

    public static async Task<DemoAccount> CreateAsync(HttpClient admin, HttpClient http, TimeProvider clock, string deposit,
        CancellationToken cancellationToken)
    {
        using var created = await admin.PostAsJsonAsync("/admin/v1/accounts", new { label = "demo" }, cancellationToken);
        var account = await ReadAsync(created, cancellationToken);
        var id = account.GetProperty("accountId").GetInt64();
        using var deposited = await admin.PostAsJsonAsync($"/admin/v1/accounts/{id}/deposits",
            new { amount = deposit, transferId = $"demo-seed-{id}" }, cancellationToken);
        await ReadAsync(deposited, cancellationToken);
        return new DemoAccount(http, clock, id, account.GetProperty("apiKey").GetString()!, account.GetProperty("apiSecret").GetString()!);
    }

    /// <summary>Sends a signed request; returns the status and the JSON answer.</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string pathAndQuery, object? body,
        CancellationToken cancellationToken)
    {
        var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body);
        var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } };
        request.Headers.Add("X-API-KEY", apiKey);
        request.Headers.Add("X-TIMESTAMP", timestamp);
        request.Headers.Add("X-SIGNATURE", RequestSignature.Compute(secret, timestamp, method.Method, pathAndQuery, bytes));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
