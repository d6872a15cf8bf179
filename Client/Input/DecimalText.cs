using System.Globalization;

namespace Exchange.Client.Input;

/// <summary>
/// The one number syntax of the API: plain non-negative decimal strings such as "65000.5". No sign, exponent,
/// spaces, thousands separators or leading dot; bounded in length so that parsing never overflows. decimal is exact
/// base-10, so "0.1" is exactly one tenth: no binary floating point is ever involved.
/// </summary>
public static class DecimalText
{
    private const int MaxIntegerDigits = 19;
    private const int MaxFractionDigits = 18;

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text) || text.Length > MaxIntegerDigits + 1 + MaxFractionDigits) return false;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integer = dot < 0 ? text.AsSpan() : text.AsSpan(0, dot);
        var fraction = dot < 0 ? ReadOnlySpan<char>.Empty : text.AsSpan(dot + 1);
        if (integer.Length is 0 or > MaxIntegerDigits || !AllDigits(integer)) return false;
        if (dot >= 0 && (fraction.Length is 0 or > MaxFractionDigits || !AllDigits(fraction))) return false;
        // decimal holds 28-29 significant digits and rounds what does not fit: a number it cannot hold exactly is refused.
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && Format(value) == Canonical(integer, fraction);
    }

    /// <summary>The digits without leading zeros of the integer part and trailing zeros of the fraction: what Format gives back.</summary>
    private static string Canonical(ReadOnlySpan<char> integer, ReadOnlySpan<char> fraction)
    {
        var whole = integer.TrimStart('0');
        var part = fraction.TrimEnd('0');
        var head = whole.IsEmpty ? "0" : whole.ToString();
        return part.IsEmpty ? head : $"{head}.{part}";
    }

    /// <summary>The shortest form: no trailing zeros, no exponent ("65000", "0.001").</summary>
    public static string Format(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
            if (c is < '0' or > '9') return false;
        return true;
    }
}
