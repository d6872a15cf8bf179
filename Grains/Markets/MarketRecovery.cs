using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// Rebuilds a market's book from its journal: the newest snapshot (its state hash checked), then every later
/// batch run again. Each replayed command must produce exactly the events the journal recorded for it, so a
/// book that recovers is the book that was acknowledged, not merely a similar one.
/// </summary>
public static class MarketRecovery
{
    /// <param name="replayed">Sees each batch replayed after the snapshot, in order.</param>
    public static async Task<RecoveredMarket> Load(IMarketJournal journal, MarketSpec spec, CancellationToken cancellationToken,
        Action<JournalBatch>? replayed = null)
    {
        var stored = await journal.LatestSnapshot(spec.Symbol, cancellationToken);
        // A snapshot written before markets had terms cannot vouch for them (its hash does not cover them), nor one written
        // before the book counted positions for open interest (format 5): the journal is complete, so replay from the start.
        if (stored?.Book.Terms is null || stored.Book.Positions is null) stored = null;
        var book = stored is null ? new FastOrderBook(spec) : new FastOrderBook(spec, stored.Book);
        if (stored is not null && book.StateHash() != stored.StateHash)
            throw new JournalReplayException($"{spec.Symbol}: snapshot at {stored.Sequence} does not reproduce its state hash");

        var snapshotSequence = book.Sequence;
        var events = new EventBuffer();
        await foreach (var batch in journal.ReadAfter(spec.Symbol, book.Sequence, cancellationToken))
        {
            if (batch.FirstSequence != book.Sequence + 1)
                throw new JournalReplayException($"{spec.Symbol}: batch starts at {batch.FirstSequence}, book is at {book.Sequence}");
            foreach (var entry in batch.Entries)
            {
                events.Clear();
                MarketCommandRunner.Run(book, entry.Command, entry.Timestamp, events);
                if (!events.Events.SequenceEqual(entry.Events))
                    throw new JournalReplayException(
                        $"{spec.Symbol}: replaying the command at sequence {book.Sequence} gave other events than the journal holds");
            }
            if (book.Sequence != batch.LastSequence)
                throw new JournalReplayException($"{spec.Symbol}: batch should end at {batch.LastSequence}, book is at {book.Sequence}");
            replayed?.Invoke(batch);
        }
        return new RecoveredMarket(book, snapshotSequence, stored?.AccountHeads);
    }

    /// <summary>
    /// The book and what the market keeps in memory beside it, rebuilt from the journal: the account heads and
    /// recent account events, and the recent public trades replayed after the snapshot.
    /// </summary>
    internal static async Task<ReloadedMarket> Reload(IMarketJournal journal, MarketSpec spec, MarketOptions options,
        CancellationToken cancellationToken)
    {
        var replayed = new List<MarketEvent[]>();
        var trades = new RecentTrades(options.RecentTrades);
        var collected = new List<PublicTrade>();
        var recovered = await Load(journal, spec, cancellationToken, batch =>
        {
            foreach (var entry in batch.Entries)
            {
                replayed.Add(entry.Events);
                collected.Clear();
                PublicTrade.Collect(entry.Events, collected);
                foreach (var t in collected) trades.Add(t);
            }
        });

        // The account events kept in memory (for catching up and for history) start where they would have had the
        // market never stopped: up to RecentEvents back, read again from the journal before the snapshot.
        var from = Math.Max(0, recovered.SnapshotSequence - options.RecentEvents);
        var older = from < recovered.SnapshotSequence
            ? await EventsBetween(journal, spec.Symbol, from, recovered.SnapshotSequence, cancellationToken) : [];
        // The heads the snapshot kept know every account, also those idle since long before `from` (which would otherwise
        // each read the journal at their next call); they already hold the events up to the snapshot.
        var saved = recovered.AccountHeads;
        var heads = saved is null ? new AccountHeads(from) : AccountHeads.Restore(saved);
        var recent = new RecentAccountEvents(options.RecentEvents);
        recent.Reset(from);
        var liquidations = new RecentLiquidations(options.RecentLiquidations, completeAfter: from);
        foreach (var events in older)
        {
            if (saved is null) heads.Advance(events);
            Remember(events);
        }
        foreach (var events in replayed)
        {
            heads.Advance(events);
            Remember(events);
        }
        heads.MarketWideBefore(recovered.Book.Terms.MarketWideSequence);
        return new ReloadedMarket(recovered.Book, heads, recent, trades, liquidations);

        void Remember(MarketEvent[] events)
        {
            recent.Add(events);
            // The mark each step committed at is not kept in the journal's events apart from mark ticks; recovery records 0.
            liquidations.Add(events, 0);
        }
    }

    /// <summary>The events the journal holds after <paramref name="after"/> up to <paramref name="upTo"/>, command by command.</summary>
    public static async Task<List<MarketEvent[]>> EventsBetween(IMarketJournal journal, string symbol, long after, long upTo,
        CancellationToken cancellationToken)
    {
        var events = new List<MarketEvent[]>();
        await foreach (var batch in journal.ReadAfter(symbol, after, cancellationToken))
        {
            if (batch.FirstSequence > upTo) break;
            foreach (var entry in batch.Entries)
            {
                var kept = Array.FindAll(entry.Events, e => e.Sequence > after && e.Sequence <= upTo);
                if (kept.Length > 0) events.Add(kept);
            }
        }
        return events;
    }
}

/// <param name="SnapshotSequence">Where replay started: the snapshot's sequence, 0 for a replay from the start.</param>
/// <param name="AccountHeads">What the snapshot kept of the accounts' streams (null: no snapshot, or one written before it was kept).</param>
public sealed record RecoveredMarket(FastOrderBook Book, long SnapshotSequence, AccountHeadsState? AccountHeads = null);

/// <summary>What a market grain holds once it has (re)loaded its journal.</summary>
internal sealed record ReloadedMarket(FastOrderBook Book, AccountHeads Heads, RecentAccountEvents Recent, RecentTrades Trades,
    RecentLiquidations Liquidations);

/// <summary>The journal cannot be replayed into the state it recorded: refuse to serve rather than serve a different book.</summary>
public sealed class JournalReplayException(string message) : Exception(message);
