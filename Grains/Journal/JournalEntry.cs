using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>One command as the market ran it, with its timestamp and the events it caused.</summary>
public sealed record JournalEntry(MarketCommand Command, long Timestamp, MarketEvent[] Events);

/// <summary>
/// Entries appended in one atomic write. Their state-changing events carry exactly the sequences
/// <see cref="FirstSequence"/> to <see cref="LastSequence"/>; the batch id makes a retried append recognisable.
/// </summary>
public sealed record JournalBatch(Guid BatchId, long FirstSequence, long LastSequence, IReadOnlyList<JournalEntry> Entries);
