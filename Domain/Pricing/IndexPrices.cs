using System.Globalization;
using System.Numerics;

namespace Exchange.Pricing;

/// <summary>
/// Index prices as they travel: a <see cref="long"/> of 10^-8 quote units (8 decimals, enough for any asset a
/// feed quotes, and far more range than prices need). Text is parsed and formatted here and nowhere else, by hand,
/// so that "65000.5" is exactly 6_500_050_000_000 and no culture, exponent or binary fraction can creep in.
/// </summary>
public static class IndexPrices
{
    public const long Scale = 100_000_000;
    public const int Decimals = 8;

    /// <summary>
    /// Accepts a plain positive decimal: digits, then optionally '.' and 1 to 8 digits ("65000", "0.00000001",
    /// "65000.50"). Refuses anything else: empty, a sign, an exponent, whitespace, a bare or trailing '.', more than
    /// 8 decimals, zero, or a value beyond <see cref="long.MaxValue"/> units.
    /// </summary>
    public static bool TryParse(string? text, out long price)
    {
        price = 0;
        if (string.IsNullOrEmpty(text)) return false;
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        if (whole.Length == 0 || (point >= 0 && fraction.Length == 0) || fraction.Length > Decimals) return false;
        if (!TryDigits(whole, out var units) || !TryDigits(fraction.PadRight(Decimals, '0'), out var decimals)) return false;
        if (units > (long.MaxValue - decimals) / Scale) return false;
        price = units * Scale + decimals;
        return price > 0;
    }

    /// <summary>The exact inverse of <see cref="TryParse"/>: no trailing zeros, no '.' for a whole number; 0 is "0".</summary>
    public static string Format(long price)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        var whole = (price / Scale).ToString(CultureInfo.InvariantCulture);
        var fraction = price % Scale;
        return fraction == 0 ? whole : $"{whole}.{fraction.ToString("D8", CultureInfo.InvariantCulture).TrimEnd('0')}";
    }

    /// <summary>
    /// The price in whole ticks of <paramref name="tickSize"/> quote units, to the nearest tick (a midpoint to the
    /// even tick), exactly: the decimal tick size is m x 10^-s, so the quotient is price x 10^s / (m x 10^8) in
    /// integers. 0 stays 0 ("no index"); a positive price under half a tick also gives 0, for the caller to refuse.
    /// Throws <see cref="OverflowException"/> when the tick count does not fit a long.
    /// </summary>
    public static long ToTicks(long price, decimal tickSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        if (tickSize <= 0) throw new ArgumentOutOfRangeException(nameof(tickSize), "the tick size must be positive");
        var bits = decimal.GetBits(tickSize);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var numerator = price * BigInteger.Pow(10, tickSize.Scale);
        var denominator = mantissa * Scale;
        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        var twice = remainder * 2;
        if (twice > denominator || (twice == denominator && !quotient.IsEven)) quotient += 1;
        return (long)quotient;
    }

    private static bool TryDigits(string digits, out long value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9') return false;
            if (value > (long.MaxValue - (c - '0')) / 10) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
