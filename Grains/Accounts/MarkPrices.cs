namespace Exchange.Accounts;

/// <summary>
/// The mark price of each market as its latest message to this account told it. Every answer and every push
/// from a market carries its mark, so an active account checks orders without asking; a mark older than
/// <c>maxAge</c> is not trusted and the market is asked again.
/// </summary>
internal sealed class MarkPrices(TimeProvider clock, TimeSpan maxAge)
{
    private readonly Dictionary<string, (long Mark, long At)> _marks = new(StringComparer.Ordinal);

    public bool TryGetFresh(string symbol, out long mark)
    {
        if (_marks.TryGetValue(symbol, out var known) && clock.GetElapsedTime(known.At) <= maxAge)
        {
            mark = known.Mark;
            return true;
        }
        mark = 0;
        return false;
    }

    public void Update(string symbol, long mark) => _marks[symbol] = (mark, clock.GetTimestamp());
}
