using Exchange.Client.Errors;
using Exchange.Matching;

namespace Exchange.Client.Input;

/// <summary>
/// Human numbers to the engine's integers and back: prices to ticks, sizes to lots, money to micro-USD. A value
/// that is not a whole number of ticks (lots, micro-USD) is refused, never rounded.
/// </summary>
public static class Units
{
    private const decimal MicrosPerUsd = MarketSpec.MinorUnitsPerQuoteUnit;

    /// <summary>A price string to ticks, within the market's price range.</summary>
    public static long Ticks(MarketSpec spec, string text, string field = "price")
    {
        if (!TryWhole(text, spec.TickSize, out var ticks))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidPrice, field,
                $"{field} must be a decimal string that is a multiple of the tick size {DecimalText.Format(spec.TickSize)}"));
        if (!spec.IsValidPrice(ticks))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidPrice, field,
                $"{field} must be between {Price(spec, spec.MinPrice)} and {Price(spec, spec.MaxPrice)}"));
        return ticks;
    }

    /// <summary>A size string to lots, within the market's size range.</summary>
    public static long Lots(MarketSpec spec, string text, string field = "size")
    {
        if (!TryWhole(text, spec.LotSize, out var lots))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidSize, field,
                $"{field} must be a decimal string that is a multiple of the lot size {DecimalText.Format(spec.LotSize)}"));
        if (!spec.IsValidSize(lots))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidSize, field,
                $"{field} must be between {Size(spec, spec.MinSize)} and {Size(spec, spec.MaxSize)}"));
        return lots;
    }

    /// <summary>A positive USD amount string to micro-USD.</summary>
    public static long Micros(string text, string field = "amount")
    {
        if (!TryWhole(text, 1 / MicrosPerUsd, out var micros) || micros <= 0)
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidAmount, field,
                $"{field} must be a positive decimal string with at most 6 decimals"));
        return micros;
    }

    /// <summary>Whether the text is a whole, non-negative number of units, and how many (fitting a long).</summary>
    public static bool TryWhole(string? text, decimal unit, out long count)
    {
        count = 0;
        if (!DecimalText.TryParse(text, out var value) || unit <= 0) return false;
        try
        {
            if (value % unit != 0) return false;
            var units = value / unit;
            if (units > long.MaxValue) return false;
            count = (long)units;
            return true;
        }
        catch (OverflowException)
        {
            return false; // a huge value over a tiny unit: certainly not a usable count
        }
    }

    public static string Price(MarketSpec spec, long ticks) => DecimalText.Format(ticks * spec.TickSize);

    public static string Size(MarketSpec spec, long lots) => DecimalText.Format(lots * spec.LotSize);

    public static string Money(long micros) => DecimalText.Format(micros / MicrosPerUsd);

    /// <summary>A price from a notional (tick-lots) over a size in lots, rounded to 10 decimals (an average is rarely a whole tick).</summary>
    public static string AveragePrice(MarketSpec spec, Int128 tickLots, long lots) =>
        DecimalText.Format(decimal.Round((decimal)tickLots / lots * spec.TickSize, 10));

    /// <summary>A position's entry price: its cost basis (micro-USD) over its size, rounded to 10 decimals.</summary>
    public static string? EntryPrice(MarketSpec spec, long costMicros, long lots) => lots == 0 ? null
        : DecimalText.Format(decimal.Round(Math.Abs(costMicros) / MicrosPerUsd / (Math.Abs(lots) * spec.LotSize), 10));
}
