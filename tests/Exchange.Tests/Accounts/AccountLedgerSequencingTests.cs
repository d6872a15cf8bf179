using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>Market events reach a ledger exactly once and in order: duplicates are skipped, gaps refused.</summary>
public sealed class AccountLedgerSequencingTests
{
    private static readonly MarketSpec Spec = Usd();

    // Account 1's events in the market are at sequences 3, 7 and 12 (others' events fill the gaps).
    private static readonly MarketEvent Buy3 = MarketEvent.Trade(3, 0, 30, 1, Side.Buy, 31, 2, price: 100, size: 5, 0, 0);
    private static readonly MarketEvent Sell7 = MarketEvent.Trade(7, 0, 70, 9, Side.Buy, 71, 1, price: 110, size: 2, 0, 0); // 1 is maker: sells
    private static readonly MarketEvent Buy12 = MarketEvent.Trade(12, 0, 120, 1, Side.Buy, 121, 2, price: 90, size: 1, 0, 0);

    private static AccountLedger Fresh()
    {
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000_000_000);
        ledger.Track(Spec);
        return ledger;
    }

    [Fact]
    public void Applies_in_order_as_buyer_and_as_maker()
    {
        var ledger = Fresh();
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3, Sell7]));
        var exposure = ledger.Find(Spec.Symbol)!;
        Assert.Equal(7, exposure.Cursor);
        Assert.Equal(3, exposure.Position.Size);
        // Bought 5 at 100, sold 2 at 110: +20 USD realised.
        Assert.Equal(20_000_000, ledger.RealisedPnl);
        Assert.True(ledger.Apply(Spec.Symbol, 7, [Buy12]));
        Assert.Equal((4L, 12L), (exposure.Position.Size, exposure.Cursor));
    }

    [Fact]
    public void Applying_the_same_batch_again_changes_nothing()
    {
        var ledger = Fresh();
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3, Sell7]));
        var once = State(ledger);
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3, Sell7]));
        Assert.Equal(once, State(ledger));
        Assert.True(ledger.Apply(Spec.Symbol, 3, [Sell7]));
        Assert.Equal(once, State(ledger));
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3]));
        Assert.Equal(once, State(ledger));
    }

    [Fact]
    public void An_overlapping_batch_applies_only_what_is_new()
    {
        var expected = Fresh();
        Assert.True(expected.Apply(Spec.Symbol, 0, [Buy3, Sell7, Buy12]));

        var ledger = Fresh();
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3]));
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3, Sell7]));
        Assert.True(ledger.Apply(Spec.Symbol, 3, [Sell7, Buy12]));
        Assert.Equal(State(expected), State(ledger));
    }

    [Fact]
    public void A_batch_whose_predecessor_was_not_applied_is_refused_and_changes_nothing()
    {
        var ledger = Fresh();
        var before = State(ledger);
        Assert.False(ledger.Apply(Spec.Symbol, 3, [Sell7]));
        Assert.False(ledger.Apply(Spec.Symbol, 7, [Buy12]));
        Assert.Equal(before, State(ledger));

        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3]));
        var afterFirst = State(ledger);
        Assert.False(ledger.Apply(Spec.Symbol, 7, [Buy12]));
        Assert.Equal(afterFirst, State(ledger));

        // Once the gap is filled the same batch goes in.
        Assert.True(ledger.Apply(Spec.Symbol, 3, [Sell7]));
        Assert.True(ledger.Apply(Spec.Symbol, 7, [Buy12]));
        Assert.Equal(12, ledger.Find(Spec.Symbol)!.Cursor);
    }

    [Fact]
    public void Markets_have_separate_cursors()
    {
        var other = Usd("OTHER-PERP");
        var ledger = Fresh();
        ledger.Track(other);
        Assert.True(ledger.Apply(Spec.Symbol, 0, [Buy3, Sell7]));
        // Sequence 3 in the other market is new there.
        Assert.True(ledger.Apply(other.Symbol, 0, [Buy3]));
        Assert.Equal(5, ledger.Find(other.Symbol)!.Position.Size);
        Assert.False(ledger.Apply(other.Symbol, 7, [Buy12]));
    }

    [Fact]
    public void Even_a_gap_of_one_event_is_refused()
    {
        var first = MarketEvent.Trade(1, 0, 10, 1, Side.Buy, 11, 2, price: 100, size: 1, 0, 0);
        var second = MarketEvent.Trade(2, 0, 20, 1, Side.Buy, 21, 2, price: 100, size: 1, 0, 0);
        var ledger = Fresh();
        var before = State(ledger);
        Assert.False(ledger.Apply(Spec.Symbol, 1, [second]));
        Assert.Equal(before, State(ledger));
        Assert.True(ledger.Apply(Spec.Symbol, 0, [first]));
        Assert.True(ledger.Apply(Spec.Symbol, 1, [second]));
        Assert.Equal(2, ledger.Find(Spec.Symbol)!.Position.Size);
    }
}
