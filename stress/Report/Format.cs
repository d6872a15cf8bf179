using System.Globalization;
using System.Net;

namespace Exchange.Stress.Report;

/// <summary>
/// How the report writes numbers and text for a reader: invariant culture, thousands separated, exact decimals without
/// trailing zeros, durations in the unit that reads best, and every string from the result HTML-encoded.
/// </summary>
internal static class Format
{
    /// <summary>The venue has one collateral, USD (the Binance-compatible API calls it USDT), so all money is in USD.</summary>
    public const string MoneyUnit = "USD";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Html(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Count(long count) => count.ToString("N0", Invariant);

    public static string Number(decimal value) => value.ToString("#,0.############", Invariant);

    public static string Money(decimal value) => $"{Number(value)} {MoneyUnit}";

    /// <summary>A moment of the run as seconds since its start, e.g. "12.3 s".</summary>
    public static string At(long milliseconds) => (milliseconds / 1000.0).ToString("0.0", Invariant) + " s";

    /// <summary>A duration: milliseconds below a second, seconds above.</summary>
    public static string Duration(long milliseconds) => Math.Abs(milliseconds) < 1000
        ? milliseconds.ToString(Invariant) + " ms"
        : (milliseconds / 1000.0).ToString("#,0.0#", Invariant) + " s";

    public static string Milliseconds(double milliseconds) => milliseconds.ToString("#,0.#", Invariant) + " ms";

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0#", Invariant) + "%";

    public static string Times(int count) => count switch { 1 => "once", 2 => "twice", _ => $"{Count(count)} times" };

    /// <summary>"1 account", "37 accounts".</summary>
    public static string Of(long count, string one, string many) => $"{Count(count)} {(count == 1 ? one : many)}";

    public static string Timestamp(DateTimeOffset moment) => moment.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant);
}
