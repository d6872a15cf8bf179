using System.Globalization;

namespace Exchange.PriceFeeds;

/// <summary>
/// Index prices as whole units of 1e-8 (the index unit the oracle counts in), and their decimal strings: at most 8
/// decimals, no sign, no exponent, no grouping. Parsing and formatting are exact digit work; no binary floating point
/// ever holds a price.
/// </summary>
public static class PriceUnits
{
    public const long Scale = 100_000_000;
    public const int Decimals = 8;

    /// <summary>"64000.5" -> 6_400_050_000_000. Refuses a sign, an exponent, more than 8 decimals and overflow.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long units)
    {
        units = 0;
        if (text.IsEmpty) return false;
        var point = text.IndexOf('.');
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? [] : text[(point + 1)..];
        if (whole.IsEmpty || (point >= 0 && fraction.IsEmpty) || fraction.Length > Decimals) return false;
        long value = 0;
        foreach (var c in whole)
        {
            if (c is < '0' or > '9') return false;
            if (value > (long.MaxValue / Scale - (c - '0')) / 10) return false;
            value = value * 10 + (c - '0');
        }
        long part = 0, step = Scale;
        foreach (var c in fraction)
        {
            if (c is < '0' or > '9') return false;
            step /= 10;
            part += (c - '0') * step;
        }
        value *= Scale;
        if (value > long.MaxValue - part) return false;
        units = value + part;
        return true;
    }

    public static long Parse(string text, string what) =>
        TryParse(text, out var units) ? units : throw new FormatException($"{what} '{text}' is not a decimal with at most {Decimals} decimals");

    /// <summary>6_400_050_000_000 -> "64000.5": the shortest exact form (no trailing zeros, no point for a whole number).</summary>
    public static string Format(long units)
    {
        var negative = units < 0;
        var magnitude = negative ? -(Int128)units : units;
        var whole = (long)(magnitude / Scale);
        var fraction = (long)(magnitude % Scale);
        var text = whole.ToString(CultureInfo.InvariantCulture);
        if (fraction != 0) text += "." + fraction.ToString("D8", CultureInfo.InvariantCulture).TrimEnd('0');
        return negative ? "-" + text : text;
    }

    /// <summary>The price moved by <paramref name="bps"/> basis points, rounded toward zero to a whole unit.</summary>
    public static long OffsetBps(long units, int bps) => checked((long)((Int128)units * (10_000 + bps) / 10_000));
}
