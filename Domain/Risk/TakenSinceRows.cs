namespace Exchange.Risk;

/// <summary>
/// What a liquidator took from other accounts' positions that the risk view's rows may not show yet: each deleveraging
/// against a counterparty, each trade of a liquidation order against a maker, by the market sequence of its event. The
/// shards rank deleveraging candidates from rows that lag their accounts' own events; a candidate is counted less what
/// was taken from it after its row's cursor, so that one chunk's plan never counts a position another chunk already used.
/// (The market refuses a transfer beyond a position in any case: this keeps plans from being refused, not money right.)
/// </summary>
public sealed class TakenSinceRows
{
    private readonly Dictionary<long, List<(long Sequence, long Lots)>> _taken = [];
    private long _newest;

    /// <summary>How many accounts have something recorded against them.</summary>
    public int Accounts => _taken.Count;

    /// <summary>Records <paramref name="lots"/> taken from <paramref name="accountId"/> by the event at <paramref name="sequence"/>.</summary>
    public void Record(long accountId, long sequence, long lots)
    {
        if (accountId <= 0 || lots <= 0) return;
        if (!_taken.TryGetValue(accountId, out var since)) _taken[accountId] = since = [];
        since.Add((sequence, lots));
        _newest = Math.Max(_newest, sequence);
    }

    /// <summary>
    /// The candidates, best ranked first, each less what was taken from it after its row's cursor (a candidate left with
    /// nothing is dropped). What its row already includes is forgotten.
    /// </summary>
    public AdlCandidate[] Ranked(IEnumerable<AdlCandidate> candidates)
    {
        var ranked = new List<AdlCandidate>();
        foreach (var c in candidates)
        {
            if (!_taken.TryGetValue(c.AccountId, out var since)) { ranked.Add(c); continue; }
            var left = c.Less(since);
            if (c.Cursor >= 0) since.RemoveAll(d => d.Sequence <= c.Cursor); // the row includes these now
            if (since.Count == 0) _taken.Remove(c.AccountId);
            if (left.Size != 0) ranked.Add(left);
        }
        return [.. ranked.OrderByDescending(c => c.Score).ThenBy(c => c.AccountId)];
    }

    /// <summary>
    /// Forgets what was taken more than <paramref name="events"/> market events before the newest record: the rows include
    /// it long since. Keeps the record from growing with every maker's fill over a liquidator's life.
    /// </summary>
    public void ForgetOlderThan(long events)
    {
        foreach (var (account, since) in _taken.ToList())
        {
            since.RemoveAll(d => d.Sequence < _newest - events);
            if (since.Count == 0) _taken.Remove(account);
        }
    }
}
