using Exchange.Risk;

namespace Exchange.Tests.Risk;

/// <summary>
/// Deleveraging candidates come from rows that lag their accounts' events: what a liquidator took from a candidate after
/// its row's cursor (a deleveraging, or a liquidation order's trade against it as a maker) is not counted twice.
/// </summary>
public sealed class TakenSinceRowsTests
{
    [Fact]
    public void A_candidate_counts_less_what_was_taken_after_its_row_and_reranks()
    {
        var taken = new TakenSinceRows();
        taken.Record(1, sequence: 50, lots: 6);  // a liquidation order sold 6 into 1's bid: its short is 6 smaller
        taken.Record(1, sequence: 70, lots: 2);  // then 2 deleveraged against it
        taken.Record(2, sequence: 40, lots: 10); // 2's row (cursor 45) already includes this

        var ranked = taken.Ranked([new AdlCandidate(1, -10, Score: 900, Cursor: 45), new AdlCandidate(2, -10, Score: 500, Cursor: 45),
            new AdlCandidate(3, -4, Score: 700, Cursor: 45)]);

        // 1 has 10 - 6 - 2 = 2 left; 2 keeps its 10; 3 untouched. Best score first.
        Assert.Equal([new AdlCandidate(1, -2, 900, 45), new AdlCandidate(3, -4, 700, 45), new AdlCandidate(2, -10, 500, 45)], ranked);
        Assert.Equal(1, taken.Accounts); // 2's record is in its row now: forgotten
    }

    [Fact]
    public void A_candidate_with_nothing_left_is_dropped_and_a_row_that_caught_up_clears_the_record()
    {
        var taken = new TakenSinceRows();
        taken.Record(1, 50, 10);
        Assert.Empty(taken.Ranked([new AdlCandidate(1, 10, Score: 1, Cursor: 49)]));   // all 10 taken after the row
        Assert.Equal([new AdlCandidate(1, 10, 1, 50)], taken.Ranked([new AdlCandidate(1, 10, Score: 1, Cursor: 50)])); // the row has it
        Assert.Equal(0, taken.Accounts);
    }

    [Fact]
    public void Records_long_behind_the_newest_are_forgotten_and_nonsense_is_not_recorded()
    {
        var taken = new TakenSinceRows();
        taken.Record(0, 10, 5);  // no counterparty (a trade's maker field on an event that has none)
        taken.Record(7, 10, 0);
        Assert.Equal(0, taken.Accounts);

        taken.Record(1, 100, 3);
        taken.Record(2, 1_000, 3);
        taken.Record(2, 2_000, 3);
        taken.ForgetOlderThan(1_000); // keeps sequences from 1,000 on
        Assert.Equal(1, taken.Accounts);
        Assert.Equal([new AdlCandidate(2, -4, 1, 0)], taken.Ranked([new AdlCandidate(1, -5, 2, 0), new AdlCandidate(2, -10, 1, 0)])
            .Where(c => c.AccountId == 2));
    }
}
