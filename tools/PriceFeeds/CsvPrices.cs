using System.Globalization;

namespace Exchange.PriceFeeds;

/// <summary>One recorded price: Unix milliseconds and the price in <see cref="PriceUnits"/>.</summary>
public readonly record struct PricePoint(long TimestampMs, long Price);

/// <summary>
/// A column of a CSV file, by header name (case-insensitive) or by 1-based position. The default time column is the
/// first of open_time_ms, timestamp, time, ts, open_time, date (else column 1); the default price column the first of
/// close, price, value (else column 2).
/// </summary>
public sealed record CsvColumn(string? Name, int Position)
{
    public static readonly string[] TimeNames = ["open_time_ms", "timestamp", "time", "ts", "open_time", "date"];
    public static readonly string[] PriceNames = ["close", "price", "value"];

    /// <summary>"close" or "5" (1-based).</summary>
    public static CsvColumn Parse(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position >= 1 ? new CsvColumn(null, position) : throw new FormatException($"column {text}: positions start at 1")
            : new CsvColumn(text.Trim(), 0);
}

/// <summary>
/// Reads (time, price) rows from CSV text: the delimiter is the first of ',', ';' or tab found on the first line; the
/// first line is a header when the chosen columns do not read as a time and a price. Times are Unix milliseconds,
/// Unix seconds (a number below 10^11) or ISO 8601; prices decimals with at most 8 decimals. Rows must be in strictly
/// increasing time; a bad row is an error naming its line, never skipped in silence.
/// </summary>
public static class CsvPriceReader
{
    public static IReadOnlyList<PricePoint> Read(TextReader reader, CsvColumn? time = null, CsvColumn? price = null)
    {
        var points = new List<PricePoint>();
        var first = reader.ReadLine();
        while (first is not null && first.Trim().Length == 0) first = reader.ReadLine();
        if (first is null) throw new FormatException("the CSV is empty");
        var delimiter = first.Contains(',', StringComparison.Ordinal) ? ',' : first.Contains(';', StringComparison.Ordinal) ? ';' : '\t';
        var cells = Split(first, delimiter);

        var header = time?.Name is not null || price?.Name is not null || !LooksLikeData(cells, time, price);
        int timeIndex, priceIndex;
        var lineNumber = 1;
        if (header)
        {
            timeIndex = Resolve(cells, time, CsvColumn.TimeNames, fallback: 1, "time");
            priceIndex = Resolve(cells, price, CsvColumn.PriceNames, fallback: 2, "price");
        }
        else
        {
            timeIndex = (time?.Position ?? 1) - 1;
            priceIndex = (price?.Position ?? 2) - 1;
            points.Add(Row(cells, timeIndex, priceIndex, lineNumber, null));
        }

        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            points.Add(Row(Split(line, delimiter), timeIndex, priceIndex, lineNumber, points.Count > 0 ? points[^1] : null));
        }
        if (points.Count == 0) throw new FormatException("the CSV has a header but no rows");
        return points;
    }

    public static IReadOnlyList<PricePoint> ReadFile(string path, CsvColumn? time = null, CsvColumn? price = null)
    {
        using var reader = new StreamReader(path);
        return Read(reader, time, price);
    }

    private static string[] Split(string line, char delimiter) =>
        line.Split(delimiter).Select(c => c.Trim().Trim('"')).ToArray();

    private static bool LooksLikeData(string[] cells, CsvColumn? time, CsvColumn? price)
    {
        var t = (time?.Position ?? 1) - 1;
        var p = (price?.Position ?? 2) - 1;
        return t < cells.Length && p < cells.Length && TryTime(cells[t], out _) && PriceUnits.TryParse(cells[p], out _);
    }

    private static int Resolve(string[] header, CsvColumn? column, string[] names, int fallback, string what)
    {
        if (column is { Name: { } name })
        {
            var index = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 ? index : throw new FormatException($"the header has no {what} column '{name}' (it has {string.Join(", ", header)})");
        }
        if (column is not null) return column.Position - 1;
        foreach (var candidate in names)
        {
            var index = Array.FindIndex(header, h => string.Equals(h, candidate, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) return index;
        }
        return fallback - 1;
    }

    private static PricePoint Row(string[] cells, int timeIndex, int priceIndex, int line, PricePoint? previous)
    {
        if (timeIndex >= cells.Length || priceIndex >= cells.Length)
            throw new FormatException($"line {line}: {cells.Length} columns, the time and price are columns {timeIndex + 1} and {priceIndex + 1}");
        if (!TryTime(cells[timeIndex], out var timestamp)) throw new FormatException($"line {line}: '{cells[timeIndex]}' is not a time");
        if (!PriceUnits.TryParse(cells[priceIndex], out var units) || units <= 0)
            throw new FormatException($"line {line}: '{cells[priceIndex]}' is not a positive price with at most {PriceUnits.Decimals} decimals");
        if (previous is { } last && timestamp <= last.TimestampMs)
            throw new FormatException($"line {line}: time {timestamp} is not after the previous row's {last.TimestampMs}");
        return new PricePoint(timestamp, units);
    }

    private static bool TryTime(string text, out long milliseconds)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            milliseconds = number < 100_000_000_000 ? number * 1000 : number;
            return true;
        }
        if (text.Length >= 10 && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            milliseconds = at.ToUnixTimeMilliseconds();
            return true;
        }
        milliseconds = 0;
        return false;
    }
}
