namespace Exchange.Pricing;

/// <summary>
/// The integer operations the price rules share, exact over <see cref="Int128"/>: each rounds once, in a stated
/// direction, so the same inputs give the same result on every machine and in every replay.
/// </summary>
internal static class ExactMath
{
    /// <summary>numerator / denominator to the nearest integer, a midpoint to the even one (no drift either way).</summary>
    public static Int128 DivideHalfEven(Int128 numerator, Int128 denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        var (quotient, remainder) = Int128.DivRem(numerator, denominator); // truncates towards zero
        var twice = Int128.Abs(remainder) * 2;
        if (twice < denominator || (twice == denominator && Int128.IsEvenInteger(quotient))) return quotient;
        return Int128.IsNegative(numerator) ? quotient - 1 : quotient + 1;
    }

    /// <summary>numerator / denominator rounded up, for a non-negative numerator.</summary>
    public static Int128 DivideUp(Int128 numerator, Int128 denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        return (numerator + denominator - 1) / denominator;
    }

    /// <summary>
    /// The largest r with r * r &lt;= value, digit by digit in base 4 (no floating point, no iteration count to
    /// trust): exact for every non-negative <see cref="Int128"/>.
    /// </summary>
    public static Int128 SquareRoot(Int128 value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var remainder = (UInt128)value;
        UInt128 root = 0;
        var bit = UInt128.One << 126; // the highest power of four an Int128 can hold
        while (bit > remainder) bit >>= 2;
        while (bit != 0)
        {
            if (remainder >= root + bit)
            {
                remainder -= root + bit;
                root = (root >> 1) + bit;
            }
            else root >>= 1;
            bit >>= 2;
        }
        return (Int128)root;
    }

    /// <summary>Whether <paramref name="price"/> is more than <paramref name="bps"/> basis points from <paramref name="reference"/> (&gt; 0).</summary>
    public static bool BeyondBand(long price, long reference, int bps) =>
        Int128.Abs((Int128)price - reference) * 10_000 > (Int128)reference * bps;
}
