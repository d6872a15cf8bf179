using Exchange.Client.Markets;
using Exchange.Matching;

namespace Exchange.Client.Binance;

/// <summary>
/// Market names on the Binance-compatible surface: a perpetual <c>BASE-PERP</c> is <c>BASEUSDT</c> there (base asset BASE,
/// quote and margin asset USDT, which stands for the venue's USD collateral). Markets not named <c>BASE-PERP</c> are not
/// listed on this surface.
/// </summary>
public static class BinanceSymbols
{
    public const string Quote = "USDT", Suffix = "-PERP";

    /// <summary>The Binance name of a market, or null if it has none.</summary>
    public static string? Of(string symbol) =>
        Base(symbol) is { } b ? b + Quote : null;

    /// <summary>The base asset of a <c>BASE-PERP</c> market, or null.</summary>
    public static string? Base(string symbol) =>
        symbol.EndsWith(Suffix, StringComparison.Ordinal) && symbol.Length > Suffix.Length
        && symbol[..^Suffix.Length].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            ? symbol[..^Suffix.Length] : null;

    /// <summary>The market named by a Binance symbol; -1121 Invalid symbol when there is none.</summary>
    public static async Task<MarketSpec> Market(MarketDirectory markets, string? binanceSymbol)
    {
        if (binanceSymbol is null || !binanceSymbol.EndsWith(Quote, StringComparison.Ordinal) || binanceSymbol.Length <= Quote.Length
            || binanceSymbol.Length > MarketDirectory.MaxSymbolLength)
            throw new BinanceException(BinanceErrors.InvalidSymbol);
        var symbol = binanceSymbol[..^Quote.Length] + Suffix;
        if (Base(symbol) is null || !MarketDirectory.IsWellFormed(symbol)) throw new BinanceException(BinanceErrors.InvalidSymbol);
        try
        {
            return await markets.Get(symbol);
        }
        catch (Errors.ApiException)
        {
            throw new BinanceException(BinanceErrors.InvalidSymbol);
        }
    }

    /// <summary>The named market, or every market that has a Binance name when no symbol is given.</summary>
    public static async Task<MarketSpec[]> OneOrAll(MarketDirectory markets, string? binanceSymbol) =>
        binanceSymbol is null ? [.. (await markets.All()).Where(s => Of(s.Symbol) is not null)] : [await Market(markets, binanceSymbol)];
}
