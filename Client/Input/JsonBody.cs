using System.Text.Json;
using Exchange.Client.Errors;

namespace Exchange.Client.Input;

/// <summary>
/// A request body read strictly: one JSON object, no duplicate or unknown fields, each field of the type the API
/// says. Anything else is an <see cref="ApiException"/> naming the field, so malformed input never gets further.
/// Numbers that are prices, sizes or money must be strings; reading them is the caller's (see <see cref="Units"/>).
/// </summary>
public sealed class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };
    private readonly Dictionary<string, JsonElement> _fields;

    private JsonBody(Dictionary<string, JsonElement> fields) => _fields = fields;

    public static JsonBody Parse(ReadOnlyMemory<byte> body, params string[] allowed)
    {
        if (body.IsEmpty) throw Invalid("the body must be a JSON object");
        // The reader checks structure but transcodes strings only when asked, so bad UTF-8 inside one would surface later.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span)) throw Invalid("the body is not valid UTF-8");
        JsonDocument document;
        try { document = JsonDocument.Parse(body, Options); }
        catch (JsonException ex) { throw Invalid($"the body is not valid JSON: {ApiError.Shorten(ex.Message)}"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Invalid("the body must be a JSON object");
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                    throw new ApiException(ApiError.Field(ErrorCodes.UnknownField, ApiError.Shorten(property.Name),
                        $"unknown field '{ApiError.Shorten(property.Name)}'; allowed: {string.Join(", ", allowed)}"));
                if (!fields.TryAdd(property.Name, property.Value.Clone()))
                    throw Invalid($"field '{property.Name}' appears twice");
            }
            return new JsonBody(fields);
        }
    }

    /// <summary>The body of a request that takes no fields: empty, or an empty object.</summary>
    public static void RequireEmpty(ReadOnlyMemory<byte> body)
    {
        if (!body.IsEmpty) Parse(body);
    }

    public bool Has(string name) => _fields.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null;

    /// <summary>A string field; null when absent or JSON null. Wrong type: <paramref name="code"/>.</summary>
    public string? Text(string name, string code = ErrorCodes.InvalidField)
    {
        if (!_fields.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.String)
            throw new ApiException(ApiError.Field(code, name, $"'{name}' must be a string"));
        return e.GetString();
    }

    public string RequiredText(string name, string code = ErrorCodes.InvalidField) =>
        Text(name, code) ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, name, $"'{name}' is required"));

    /// <summary>A field that is a string, or a whole JSON number given as its digits (a Unix timestamp); null when absent.</summary>
    public string? TextOrDigits(string name)
    {
        if (_fields.TryGetValue(name, out var e) && e.ValueKind == JsonValueKind.Number) return e.GetRawText();
        return Text(name);
    }

    public bool? Bool(string name)
    {
        if (!_fields.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, name, $"'{name}' must be true or false")),
        };
    }

    /// <summary>A small whole JSON number (basis points and the like, never money).</summary>
    public int? WholeNumber(string name, int min, int max)
    {
        if (!_fields.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var value) || value < min || value > max)
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, name, $"'{name}' must be a whole number from {min} to {max}"));
        return value;
    }

    public JsonElement[]? Array(string name, int maxLength)
    {
        if (!_fields.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() > maxLength)
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, name, $"'{name}' must be an array of at most {maxLength} items"));
        return [.. e.EnumerateArray()];
    }

    /// <summary>A field as it was sent; null when absent or JSON null.</summary>
    public JsonElement? Element(string name) =>
        _fields.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    /// <summary>A nested object field read with the same strictness; null when absent.</summary>
    public JsonBody? Nested(string name, params string[] allowed) => Element(name) is { } e ? Of(e, name, allowed) : null;

    /// <summary>A whole JSON number up to a long (durations in ms and the like, never money).</summary>
    public long? LongNumber(string name, long min, long max)
    {
        if (!_fields.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var value) || value < min || value > max)
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, name, $"'{name}' must be a whole number from {min} to {max}"));
        return value;
    }

    /// <summary>Reads a nested object with the same strictness.</summary>
    public static JsonBody Of(JsonElement element, string name, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, name, $"each item of '{name}' must be an object"));
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                throw new ApiException(ApiError.Field(ErrorCodes.UnknownField, name, $"unknown field '{ApiError.Shorten(property.Name)}' in '{name}'"));
            if (!fields.TryAdd(property.Name, property.Value)) throw Invalid($"field '{property.Name}' appears twice in '{name}'");
        }
        return new JsonBody(fields);
    }

    private static ApiException Invalid(string detail) => new(ApiError.BadRequest(ErrorCodes.InvalidJson, detail));
}
