using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Tests.Journal;

/// <summary>
/// Content equality for journal types: records holding arrays compare the arrays by reference, so these compare
/// element by element (commands and events are records or record structs, and compare by value themselves).
/// </summary>
public static class JournalAssert
{
    public static void Equal(IReadOnlyList<JournalEntry> expected, IReadOnlyList<JournalEntry> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Command, actual[i].Command);
            Assert.Equal(expected[i].Timestamp, actual[i].Timestamp);
            Assert.Equal(expected[i].Events, actual[i].Events);
        }
    }

    public static void Equal(BookSnapshot expected, BookSnapshot actual)
    {
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.NextOrderId, actual.NextOrderId);
        Assert.Equal(expected.LastTradePrice, actual.LastTradePrice);
        Assert.Equal(expected.Bids, actual.Bids);
        Assert.Equal(expected.Asks, actual.Asks);
        Assert.Equal(expected.ClientOrderIds, actual.ClientOrderIds);
        Assert.Equal(expected.Terms, actual.Terms);
        Assert.Equal(expected.RecentTrades ?? [], actual.RecentTrades ?? []);
        Assert.Equal(expected.Conditionals ?? [], actual.Conditionals ?? []);
        Assert.Equal(expected.NextConditionalId, actual.NextConditionalId);
        // Null (positions not known: an older snapshot) and empty (nobody holds one) differ: recovery replays for the first.
        Assert.Equal(expected.Positions is null, actual.Positions is null);
        Assert.Equal(expected.Positions ?? [], actual.Positions ?? []);
    }
}
