using System.Globalization;
using Exchange.Client.Errors;

namespace Exchange.Client.Input;

/// <summary>
/// A query string read strictly: only the named parameters, each at most once. A typo such as <c>?limt=5</c> is an
/// error rather than a silently ignored default.
/// </summary>
public sealed class QueryReader
{
    private readonly IQueryCollection _query;

    public QueryReader(HttpRequest request, params string[] allowed)
    {
        _query = request.Query;
        foreach (var (name, values) in _query)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
                throw new ApiException(ApiError.BadRequest(ErrorCodes.UnknownParameter,
                    $"unknown query parameter '{ApiError.Shorten(name)}'; allowed: {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))}")
                    .With("parameter", ApiError.Shorten(name)));
            if (values.Count > 1) throw Invalid(name, $"'{name}' may appear once");
            // An empty value is a mistake, not "any": ?symbol= must not mean every market.
            if (string.IsNullOrEmpty(values[0])) throw Invalid(name, $"'{name}' may not be empty; leave it out instead");
        }
    }

    /// <summary>The parameter's value; null when absent or empty.</summary>
    public string? Text(string name) => _query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    public int WholeNumber(string name, int fallback, int min, int max) => (int)LongNumber(name, fallback, min, max);

    public long LongNumber(string name, long fallback, long min, long max)
    {
        var text = Text(name);
        if (text is null) return fallback;
        if (text.Length > 19 || !text.All(char.IsAsciiDigit) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
            throw Invalid(name, $"'{name}' must be a whole number from {min} to {max}");
        return value;
    }

    public static ApiException Invalid(string name, string detail) =>
        new(ApiError.BadRequest(ErrorCodes.InvalidParameter, detail).With("parameter", name));
}
