using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Exchange.Tests.Gateway;

/// <summary>Sending requests and reading answers as JSON.</summary>
internal static class Api
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Json(object value) => JsonSerializer.Serialize(value, Options);

    public sealed record Response(int Status, string Body, JsonNode? Json, string? ContentType, HttpResponseMessage Message)
    {
        /// <summary>The problem's code, or null when the answer is not a problem.</summary>
        public string? Code => Json is JsonObject o && o["code"] is JsonValue v && v.TryGetValue<string>(out var code) ? code : null;

        public JsonNode Node(string name) => Json![name] ?? throw new InvalidOperationException($"no '{name}' in {Body}");

        public string String(string name) => Node(name).GetValue<string>();

        public long Long(string name) => Node(name).GetValue<long>();

        public JsonArray Array => Json!.AsArray();

        public override string ToString() => $"{Status} {Body}";
    }

    public static async Task<Response> Send(HttpClient http, HttpMethod method, string pathAndQuery, string? body = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await Read(http.SendAsync(request));
    }

    public static async Task<Response> Read(Task<HttpResponseMessage> sending)
    {
        var response = await sending;
        var body = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try { json = body.Length == 0 ? null : JsonNode.Parse(body); }
        catch (JsonException) { }
        return new Response((int)response.StatusCode, body, json, response.Content.Headers.ContentType?.MediaType, response);
    }

    /// <summary>Asserts a problem answer with this status and code.</summary>
    public static void Problem(Response response, int status, string code)
    {
        Assert.True(response.Status == status && response.Code == code,
            $"expected {status} {code}, got {response}");
        Assert.Equal("application/problem+json", response.ContentType);
    }
}
