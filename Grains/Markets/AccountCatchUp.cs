using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// An account's events older than what the market holds in memory, read from the journal for an account that found
/// a gap. Reads no further than needed, and says how far the answer is complete.
/// </summary>
internal static class AccountCatchUp
{
    public static async Task<(MarketEvent[] Events, long CompleteThrough)> Read(IMarketJournal journal, string symbol,
        AccountHeads heads, RecentAccountEvents recent, long accountId, long afterSequence, TimeSpan timeout)
    {
        // Tell the account how far it is complete so that its cursor moves there even without events of its own (an
        // idle account then reads the old journal once, not at every reconciliation). An account the heads do not know
        // has no event of its own after the point they are complete from: its read ends there and the rest
        // (market-wide events) comes from memory when memory still holds it.
        var complete = heads.CompleteFrom;
        var tail = heads.Knows(accountId) ? null : recent.For(accountId, complete);
        using var deadline = new CancellationTokenSource(timeout);
        var events = new List<MarketEvent>();
        var readThrough = afterSequence;
        await foreach (var batch in journal.ReadAfter(symbol, afterSequence, deadline.Token))
        {
            if (tail is not null && batch.FirstSequence > complete) break;
            events.AddRange(AccountHeads.For(accountId, batch.Entries)
                .Where(e => e.Sequence > afterSequence && (tail is null || e.Sequence <= complete)));
            readThrough = batch.LastSequence;
        }
        return tail is null ? ([.. events], readThrough) : ([.. events, .. tail], complete);
    }
}
