using System.Globalization;
using System.Text;
using Exchange.Client.Input;
using Microsoft.AspNetCore.WebUtilities;

namespace Exchange.Client.Binance;

/// <summary>
/// The parameters of a Binance-style request: the query string and a form-encoded body together, as Binance reads them.
/// Read strictly: a parameter the endpoint does not name is refused (-1104), as Binance refuses unread parameters, and
/// each may appear once.
/// </summary>
public sealed class BinanceParameters
{
    /// <summary>Parameters every signed request may carry.</summary>
    public static readonly string[] Signing = ["timestamp", "recvWindow", "signature"];

    private readonly Dictionary<string, string> _values;

    private BinanceParameters(Dictionary<string, string> values) => _values = values;

    public static BinanceParameters Of(HttpContext context) =>
        context.Features.Get<BinanceParameters>() ?? throw new InvalidOperationException("not a Binance endpoint");

    /// <summary>Parses the query and body; allowed null means any name (an endpoint that only refuses).</summary>
    public static BinanceParameters Read(string query, ReadOnlySpan<byte> body, IReadOnlyCollection<string>? allowed)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in new[] { query, Encoding.UTF8.GetString(body) })
            foreach (var (name, value) in QueryHelpers.ParseQuery(part))
            {
                if (allowed is not null && !allowed.Contains(name) && !Signing.Contains(name))
                    throw new BinanceException(BinanceErrors.UnknownParameter(name, allowed));
                if (value.Count != 1 || !values.TryAdd(name, value[0] ?? "")) throw new BinanceException(BinanceErrors.Duplicate(name));
            }
        return new BinanceParameters(values);
    }

    /// <summary>
    /// One order of a batch (<c>batchOrders</c>, a JSON array of objects): its members read as parameters, strings as they
    /// are, numbers and booleans as written; anything else in it is malformed (-1130), an unknown name -1104.
    /// </summary>
    public static BinanceParameters FromJson(System.Text.Json.JsonElement item, IReadOnlyCollection<string> allowed)
    {
        if (item.ValueKind != System.Text.Json.JsonValueKind.Object) throw new BinanceException(BinanceErrors.Invalid("batchOrders", "a list of order objects"));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (!allowed.Contains(property.Name)) throw new BinanceException(BinanceErrors.UnknownParameter(property.Name, allowed));
            var value = property.Value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => property.Value.GetString()!,
                System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => property.Value.GetRawText(),
                _ => throw new BinanceException(BinanceErrors.Invalid(property.Name, "a string or a number")),
            };
            if (!values.TryAdd(property.Name, value)) throw new BinanceException(BinanceErrors.Duplicate(property.Name));
        }
        return new BinanceParameters(values);
    }

    /// <summary>The value, or null when absent or empty.</summary>
    public string? Text(string name) => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string Required(string name) => Text(name) ?? throw new BinanceException(BinanceErrors.Mandatory(name));

    /// <summary>A whole number in a range, the fallback when absent.</summary>
    public long Whole(string name, long fallback, long min, long max)
    {
        if (Text(name) is not { } text) return fallback;
        if (text.Length > 19 || !text.All(char.IsAsciiDigit) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
            throw new BinanceException(BinanceErrors.Invalid(name, $"a whole number from {min} to {max}"));
        return value;
    }

    public long? OptionalWhole(string name, long min, long max) => Text(name) is null ? null : Whole(name, 0, min, max);

    public bool Bool(string name)
    {
        var text = Text(name);
        if (text is null || text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        throw new BinanceException(BinanceErrors.Invalid(name, "true or false"));
    }

    /// <summary>Refuses a parameter that the venue does not support with a value other than its neutral one.</summary>
    public void Neutral(string name, params string[] neutral)
    {
        if (Text(name) is { } text && !neutral.Contains(text, StringComparer.OrdinalIgnoreCase))
            throw new BinanceException(BinanceErrors.NotRequired(name));
    }

    /// <summary>Milliseconds to the engine's microseconds, for comparing with event timestamps.</summary>
    public long? Micros(string name) => OptionalWhole(name, 0, long.MaxValue / 1000) is { } ms ? ms * 1000 : null;
}
