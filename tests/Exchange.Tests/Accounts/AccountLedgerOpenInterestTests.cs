using Exchange.Accounts;
using Exchange.Matching;
using Exchange.Risk;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>
/// The per-account position cap is the account's to hold before an order leaves it: the worst case of its position and every
/// working order on the order's side, this one included, must stay within the cap (the market alone could not know the
/// account's other resting orders). The cap starts as the spec's and changes by the market's event, in sequence with fills,
/// and a snapshot keeps the cap the ledger had reached.
/// </summary>
public sealed class AccountLedgerOpenInterestTests
{
    private static readonly MarketSpec Capped = Usd() with { OpenInterest = new OpenInterestLimits(AccountLots: 10) };

    private static AccountLedger Funded()
    {
        var ledger = new AccountLedger(7);
        ledger.Deposit(1_000_000_000_000); // plenty: only the cap decides here
        ledger.Track(Capped);
        return ledger;
    }

    [Fact]
    public void An_order_that_could_take_the_position_past_the_cap_is_refused_counting_the_working_orders_on_its_side()
    {
        var ledger = Funded();
        var marks = Marks(100);
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Buy, 100, 10, false, marks));
        Assert.Equal(AccountReject.OpenInterestLimit, ledger.CheckOrder(Capped, Side.Buy, 100, 11, false, marks));
        Fill(ledger, Capped, Side.Buy, 100, 6);                       // long 6
        Rest(ledger, Capped, Side.Buy, 99, 3);                        // could be long 9
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Buy, 99, 1, false, marks));
        Assert.Equal(AccountReject.OpenInterestLimit, ledger.CheckOrder(Capped, Side.Buy, 99, 2, false, marks));
        // Selling turns the long into at most a short of 10: fine; 17 would be a short of 11.
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Sell, 101, 16, false, marks));
        Assert.Equal(AccountReject.OpenInterestLimit, ledger.CheckOrder(Capped, Side.Sell, 101, 17, false, marks));
        // A reduce-only order is never refused by the cap.
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Sell, 101, 6, true, marks));
    }

    [Fact]
    public void At_the_cap_an_amend_may_move_or_shrink_an_order_but_not_grow_it()
    {
        var ledger = Funded();
        Fill(ledger, Capped, Side.Buy, 100, 6);
        var orderId = Rest(ledger, Capped, Side.Buy, 99, 4);           // long 6, could be long 10: at the cap
        var market = ledger.Find(Capped.Symbol)!;
        var current = market.OpenOrders[orderId];
        Assert.Equal(AccountReject.None, ledger.TryReserveAmend(market, current, 98, 4, Marks(100), out _));
        Assert.Equal(AccountReject.None, ledger.TryReserveAmend(market, current, 99, 3, Marks(100), out _));
        Assert.Equal(AccountReject.OpenInterestLimit, ledger.TryReserveAmend(market, current, 99, 5, Marks(100), out _));
    }

    [Fact]
    public void A_lowered_cap_refuses_growth_but_not_an_order_that_shrinks_the_position()
    {
        var ledger = Funded();
        Fill(ledger, Capped, Side.Buy, 100, 8);
        var exposure = ledger.Find(Capped.Symbol)!;
        Assert.True(ledger.Apply(Capped.Symbol, exposure.Cursor,
            [MarketEvent.OpenInterestSet(exposure.Cursor + 1, 0, new OpenInterestLimits(AccountLots: 5))]));
        Assert.Equal(new OpenInterestLimits(AccountLots: 5), exposure.OpenInterest);
        Assert.Equal(AccountReject.OpenInterestLimit, ledger.CheckOrder(Capped, Side.Buy, 100, 1, false, Marks(100)));
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Sell, 100, 4, false, Marks(100))); // long 8 to 4
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Sell, 100, 13, false, Marks(100))); // long 8 to short 5

        // Removed: no cap at all, and a snapshot keeps that (not the spec's cap of 10).
        Assert.True(ledger.Apply(Capped.Symbol, exposure.Cursor, [MarketEvent.OpenInterestSet(exposure.Cursor + 1, 0, OpenInterestLimits.None)]));
        Assert.Equal(AccountReject.None, ledger.CheckOrder(Capped, Side.Buy, 100, 50, false, Marks(100)));
        var restored = new AccountLedger(7);
        AccountSnapshot.Of(ledger).RestoreInto(restored, _ => Capped);
        Assert.Null(restored.Find(Capped.Symbol)!.OpenInterest);
    }

    [Fact]
    public void A_snapshot_from_before_caps_existed_takes_the_specs_cap()
    {
        var ledger = Funded();
        var snapshot = AccountSnapshot.Of(ledger);
        var old = snapshot with { Markets = [.. snapshot.Markets.Select(m => m with { OpenInterest = null, OpenInterestKnown = false })] };
        var restored = new AccountLedger(7);
        old.RestoreInto(restored, _ => Capped);
        Assert.Equal(new OpenInterestLimits(AccountLots: 10), restored.Find(Capped.Symbol)!.OpenInterest);
    }
}
