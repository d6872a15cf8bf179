using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>
/// What a market knows of its accounts' event streams at a snapshot: each account's latest event and the market-wide
/// events it still keeps. Stored beside the book so that a reloaded market knows every account again, not only those
/// with events in the stretch of journal it reads back: without it, each account the reload did not see asked the
/// journal for the events it might have missed, and at 100,000 accounts those reads held the market for minutes.
/// </summary>
/// <param name="CompleteFrom">Every account event after this sequence was seen (0: since the market began).</param>
/// <param name="Accounts">Account ids (stored ascending; a fresh copy from the market may be in any order).</param>
/// <param name="Heads">The sequence of each account's latest event, by position in <paramref name="Accounts"/>.</param>
/// <param name="MarketWideCompleteAfter">Every market-wide event after this sequence is in <paramref name="MarketWide"/>.</param>
/// <param name="MarketWide">The market-wide events kept, in sequence order.</param>
public sealed record AccountHeadsState(
    long CompleteFrom,
    long[] Accounts,
    long[] Heads,
    long LastMarketWide,
    long LastAccountChanging,
    long MarketWideCompleteAfter,
    MarketEvent[] MarketWide);
