using Exchange.Accounts;

namespace Exchange.Risk;

/// <summary>
/// Perpetual funding, exact in integers (rates in parts per million of notional). The eight-hour rate is Binance's and
/// BitMEX's F = P + clamp(I - P, +-0.05%), premium P = (mark - index) / index when the index is trusted (0 otherwise:
/// no premium is charged on a price nobody vouches for), interest I = 0.01% per eight hours; a market settles every
/// interval (one hour by default, as Hyperliquid and dYdX do) that interval's share of the eight-hour rate, capped at 4%.
/// Longs pay shorts when the rate is positive. What a payer pays rounds up and what a receiver gets rounds down, so the
/// venue keeps the remainder (never creates it); the audit shows it on its own line.
/// </summary>
public static class FundingRate
{
    public const long EightHoursMs = 8 * 3_600_000;
    public const long InterestPpmPerEightHours = 100;
    public const long ClampPpm = 500;
    public const long CapPpm = 40_000;

    /// <summary>The rate for one interval of <paramref name="intervalMs"/>, in ppm (positive: longs pay).</summary>
    public static long Of(long mark, long index, long intervalMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalMs);
        var premium = mark > 0 && index > 0 ? (long)((Int128)(mark - index) * 1_000_000 / index) : 0;
        var eightHours = premium + Math.Clamp(InterestPpmPerEightHours - premium, -ClampPpm, ClampPpm);
        var rate = (long)((Int128)eightHours * intervalMs / EightHoursMs);
        return Math.Clamp(rate, -CapPpm, CapPpm);
    }

    /// <summary>
    /// What a position pays (positive) or receives (negative) at <paramref name="ratePpm"/>: size x mark x unit x rate,
    /// rounded up when paid and down when received.
    /// </summary>
    public static long Payment(long size, long mark, long notionalPerTickLot, long ratePpm)
    {
        if (size == 0 || ratePpm == 0) return 0;
        var amount = (Int128)Math.Abs(size) * mark * notionalPerTickLot * Math.Abs(ratePpm);
        var pays = (size > 0) == (ratePpm > 0);
        return pays ? Money.CeilDiv(amount, 1_000_000) : -checked((long)(amount / 1_000_000));
    }
}

/// <summary>The last funding a market settled: the interval's end and length (ms) and the rate (ppm), at the mark.</summary>
[GenerateSerializer, Immutable, Alias("FundingSettled")]
public sealed record FundingSettled(long PeriodEnd, long IntervalMs, long RatePpm, long Mark);
