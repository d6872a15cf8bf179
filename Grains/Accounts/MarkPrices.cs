using Exchange.Markets;

namespace Exchange.Accounts;

/// <summary>
/// The newest mark each market reported to this account. Every answer and push from a market carries its committed
/// mark stamped with the sequence it holds at, so the value an order is checked against is always a journaled one
/// (an older report, overtaken on the way, never replaces a newer one). The clock decides only when to ask again:
/// a report not renewed within <c>maxAge</c> is not trusted, and the market is asked.
/// </summary>
internal sealed class MarkPrices(TimeProvider clock, TimeSpan maxAge)
{
    private readonly Dictionary<string, (MarkReport Report, long HeardAt)> _marks = new(StringComparer.Ordinal);

    public bool TryGetFresh(string symbol, out long mark)
    {
        if (_marks.TryGetValue(symbol, out var known) && clock.GetElapsedTime(known.HeardAt) <= maxAge)
        {
            mark = known.Report.Price;
            return true;
        }
        mark = 0;
        return false;
    }

    /// <summary>Whether the market's latest report says its mark cannot be trusted now (a stale index).</summary>
    public bool IsUntrusted(string symbol) => _marks.TryGetValue(symbol, out var known) && known.Report.Untrusted;

    /// <summary>The latest market-wide event the market has reported (0: none, or never heard from).</summary>
    public long MarketWideSequence(string symbol) => _marks.TryGetValue(symbol, out var known) ? known.Report.MarketWideSequence : 0;

    public void Update(string symbol, MarkReport report)
    {
        if (_marks.TryGetValue(symbol, out var known) && known.Report.AsOf > report.AsOf) return;
        _marks[symbol] = (report, clock.GetTimestamp());
    }
}
