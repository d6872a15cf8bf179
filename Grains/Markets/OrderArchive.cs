using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// One order's own events (its acceptance, fills, amendments and end), for describing an order whose acceptance the
/// market's memory no longer holds: read from the journal from the batch that accepted it (found through the journal's
/// order index) until the order ended, or until memory holds the rest. An order of another account is never described.
/// </summary>
internal static class OrderArchive
{
    /// <summary>The order's events in order, or empty when it is not the account's or no batch is known to have accepted it.</summary>
    /// <exception cref="MarketUnavailableException">The journal did not answer within <paramref name="timeout"/>.</exception>
    public static async Task<MarketEvent[]> Read(IMarketJournal journal, string symbol, RecentAccountEvents recent,
        long accountId, long orderId, TimeSpan timeout)
    {
        if (InMemory(recent, accountId, orderId) is { } held) return held;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await FromJournal(journal, symbol, recent, accountId, orderId, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new MarketUnavailableException($"{symbol}: order {orderId} could not be read from the journal within {timeout.TotalSeconds:0.#} s");
        }
    }

    private static async Task<MarketEvent[]> FromJournal(IMarketJournal journal, string symbol, RecentAccountEvents recent,
        long accountId, long orderId, CancellationToken deadline)
    {
        // Everything memory holds now is in the journal (and nothing after CompleteAfter that it does not hold was
        // committed): a read that reaches the journal's end is complete through here.
        var committed = Math.Max(recent.Newest, recent.CompleteAfter);
        var events = new List<MarketEvent>();
        var complete = -1L;
        await foreach (var batch in journal.ReadFromOrder(symbol, orderId, deadline))
        {
            // Memory holds every account event after CompleteAfter, and the journal read is complete up to this batch (the
            // batches it skipped cannot hold the order): the rest of the order's life is in memory.
            if (events.Count > 0 && batch.FirstSequence > recent.CompleteAfter)
            {
                complete = batch.FirstSequence - 1;
                break;
            }
            foreach (var entry in batch.Entries)
                foreach (var e in entry.Events)
                {
                    if (!Concerns(e, orderId)) continue;
                    if (events.Count == 0 && (e.Kind != EventKind.OrderAccepted || e.AccountId != accountId)) return [];
                    events.Add(e);
                    if (Ends(e, orderId)) return [.. events];
                }
        }
        if (events.Count == 0) return [];
        if (complete < 0) complete = committed; // read to the journal's end
        // Memory must reach back to where the journal read is complete (it drops its oldest events while the read runs).
        if (recent.CompleteAfter > complete)
            throw new MarketUnavailableException($"{symbol}: order {orderId}'s events moved out of memory while they were read; ask again");
        var last = events[^1].Sequence;
        events.AddRange(recent.Held(accountId).Where(e => e.Sequence > last && Concerns(e, orderId)));
        return [.. events];
    }

    /// <summary>The order's events from memory, when memory still holds its acceptance.</summary>
    private static MarketEvent[]? InMemory(RecentAccountEvents recent, long accountId, long orderId)
    {
        var own = recent.Held(accountId).Where(e => Concerns(e, orderId)).ToArray();
        return own is [{ Kind: EventKind.OrderAccepted }, ..] ? own : null;
    }

    private static bool Concerns(in MarketEvent e, long orderId) => e.Kind switch
    {
        EventKind.OrderAccepted or EventKind.OrderCancelled or EventKind.OrderAmended => e.OrderId == orderId,
        EventKind.TradeExecuted => e.OrderId == orderId || e.MakerOrderId == orderId,
        _ => false,
    };

    // A cancel takes all that is left (whatever the reason: asked, unfilled, fill-or-kill); a fill may take the rest.
    private static bool Ends(in MarketEvent e, long orderId) => e.Kind switch
    {
        EventKind.OrderCancelled => true,
        EventKind.TradeExecuted => e.OrderId == orderId ? e.Remaining == 0 : e.MakerRemaining == 0,
        _ => false,
    };
}
