using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>
/// Pre-trade checks, by hand. Markets are <see cref="AccountTestData.Usd"/>: one tick x one lot = 1 USD = 1e6
/// micro-USD, no fees, 10% initial margin, so an order of s lots at p ticks needs p x s x 100,000 micro-USD.
/// </summary>
public sealed class AccountLedgerOrderCheckTests
{
    private static AccountReject Check(AccountLedger ledger, MarketSpec spec, Side side, long price, long size, long mark) =>
        ledger.CheckOrder(spec, side, price, size, reduceOnly: false, Marks(mark));

    [Theory]
    // side, limit, mark, margin needed: the order is valued at the worse (higher notional) of limit and mark.
    [InlineData(Side.Buy, 100, 100, 100_000_000)]
    [InlineData(Side.Buy, 120, 100, 120_000_000)]
    [InlineData(Side.Buy, 80, 100, 100_000_000)]
    [InlineData(Side.Sell, 120, 100, 120_000_000)]
    [InlineData(Side.Sell, 80, 100, 100_000_000)]
    public void Order_fits_when_equity_equals_the_margin_and_not_one_micro_usd_less(Side side, long price, long mark, long required)
    {
        var spec = Usd();
        var enough = new AccountLedger(1);
        enough.Deposit(required);
        Assert.Equal(AccountReject.None, Check(enough, spec, side, price, 10, mark));

        var short1 = new AccountLedger(2);
        short1.Deposit(required - 1);
        Assert.Equal(AccountReject.InsufficientMargin, Check(short1, spec, side, price, 10, mark));
    }

    [Fact]
    public void Boundary_counts_unrealised_loss_and_the_position_the_order_adds_to()
    {
        // Long 10 from 100, mark 90: unrealised -10 x 10 USD = -100 USD. Buying 90 more at 90 makes 100 lots at
        // 90 = 9,000 USD notional, needing 900 USD. Equity = deposit - 100 USD, so the deposit must be 1,000 USD.
        var spec = Usd();
        foreach (var (deposit, expected) in new[] { (1_000_000_000L, AccountReject.None), (999_999_999L, AccountReject.InsufficientMargin) })
        {
            var ledger = new AccountLedger(1);
            ledger.Deposit(deposit);
            Fill(ledger, spec, Side.Buy, 100, 10);
            Assert.Equal(deposit - 100_000_000, ledger.Equity(Marks(90)));
            Assert.Equal(expected, Check(ledger, spec, Side.Buy, 90, 90, mark: 90));
        }
    }

    [Fact]
    public void An_order_that_reduces_the_position_needs_no_more_than_the_position()
    {
        // Long 10 at 100 needs 100 USD at mark 100; selling 10 only shrinks the worst case. Selling 30 leaves a
        // worst case of 20 short: 200 USD.
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(100_000_000);
        Fill(ledger, spec, Side.Buy, 100, 10);
        Assert.Equal(AccountReject.None, Check(ledger, spec, Side.Sell, 100, 10, mark: 100));
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Sell, 100, 30, mark: 100));
        ledger.Deposit(100_000_000);
        Assert.Equal(AccountReject.None, Check(ledger, spec, Side.Sell, 100, 30, mark: 100));
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Sell, 100, 31, mark: 100));
    }

    [Fact]
    public void Pending_orders_count_toward_margin_until_answered()
    {
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(100_000_000); // exactly one buy of 10 at 100
        Assert.Equal(AccountReject.None, Check(ledger, spec, Side.Buy, 100, 10, mark: 100));

        var exposure = ledger.Track(spec);
        exposure.AddPending("first", new WorkingOrder(Side.Buy, 100, 10, ReduceOnly: false));
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Buy, 100, 10, mark: 100));
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Buy, 100, 1, mark: 100));

        // The market accepts it: it moves from pending to open and still counts.
        Rest(ledger, spec, Side.Buy, 100, 10, clientOrderId: "first");
        Assert.Equal(0, exposure.PendingCount);
        Assert.Single(exposure.OpenOrders);
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Buy, 100, 1, mark: 100));

        // Cancelled: the margin is free again.
        var (orderId, order) = exposure.OpenOrders.Single();
        Assert.True(ledger.Apply(spec.Symbol, exposure.Cursor,
            [MarketEvent.Cancelled(exposure.Cursor + 1, 0, orderId, ledger.AccountId, order.Side, order.Price, order.Remaining, CancelReason.Requested)]));
        Assert.Empty(exposure.OpenOrders);
        Assert.Equal(AccountReject.None, Check(ledger, spec, Side.Buy, 100, 10, mark: 100));

        // A pending order that is refused is removed by the caller.
        exposure.AddPending("second", new WorkingOrder(Side.Buy, 100, 10, ReduceOnly: false));
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Buy, 100, 10, mark: 100));
        exposure.RemovePending("second");
        Assert.Equal(AccountReject.None, Check(ledger, spec, Side.Buy, 100, 10, mark: 100));
    }

    [Fact]
    public void Orders_on_opposite_sides_are_a_worst_case_not_a_sum()
    {
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(100_000_000);
        ledger.Track(spec).AddPending("sell", new WorkingOrder(Side.Sell, 100, 10, ReduceOnly: false));
        Assert.Equal(AccountReject.None, Check(ledger, spec, Side.Buy, 100, 10, mark: 100));
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Sell, 100, 1, mark: 100));
    }

    [Fact]
    public void Margin_used_in_another_market_counts()
    {
        var a = Usd("A-PERP");
        var b = Usd("B-PERP");
        var ledger = new AccountLedger(1);
        ledger.Deposit(150_000_000);
        Fill(ledger, b, Side.Sell, 50, 10); // 500 USD short in B: 50 USD margin at mark 50, 100 USD left
        Func<string, long> marks = s => s == "B-PERP" ? 50 : 100;
        Assert.Equal(AccountReject.None, ledger.CheckOrder(a, Side.Buy, 100, 10, false, marks)); // 100 USD
        Assert.Equal(AccountReject.InsufficientMargin, ledger.CheckOrder(a, Side.Buy, 100, 11, false, marks)); // 110 USD
        // B's mark up 1: 10 USD unrealised loss and 1 USD more margin there.
        Assert.Equal(AccountReject.InsufficientMargin, ledger.CheckOrder(a, Side.Buy, 100, 10, false, s => s == "B-PERP" ? 51 : 100));
    }

    [Fact]
    public void Reduce_only_must_shrink_the_position_together_with_the_other_reduce_only_orders()
    {
        var spec = Usd();
        var ledger = new AccountLedger(1);
        var marks = Marks(100);

        // Flat: nothing to reduce.
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, ledger.CheckOrder(spec, Side.Sell, 100, 1, true, marks));
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, ledger.CheckOrder(spec, Side.Buy, 100, 1, true, marks));

        Fill(ledger, spec, Side.Buy, 100, 10); // long 10 (no deposit: reduce-only needs no margin)
        Assert.Equal(AccountReject.None, ledger.CheckOrder(spec, Side.Sell, 100, 10, true, marks));
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, ledger.CheckOrder(spec, Side.Sell, 100, 11, true, marks));
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, ledger.CheckOrder(spec, Side.Buy, 100, 1, true, marks));

        // 6 already working reduce-only (one resting, one pending): 4 more fit, 5 do not.
        Rest(ledger, spec, Side.Sell, 105, 4, reduceOnly: true);
        ledger.Track(spec).AddPending("ro", new WorkingOrder(Side.Sell, 106, 2, ReduceOnly: true));
        Assert.Equal(AccountReject.None, ledger.CheckOrder(spec, Side.Sell, 100, 4, true, marks));
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, ledger.CheckOrder(spec, Side.Sell, 100, 5, true, marks));

        // Short 10 instead: only buys reduce.
        var shortLedger = new AccountLedger(2);
        Fill(shortLedger, spec, Side.Sell, 100, 10);
        Assert.Equal(AccountReject.None, shortLedger.CheckOrder(spec, Side.Buy, 100, 10, true, marks));
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, shortLedger.CheckOrder(spec, Side.Buy, 100, 11, true, marks));
        Assert.Equal(AccountReject.ReduceOnlyWouldIncrease, shortLedger.CheckOrder(spec, Side.Sell, 100, 1, true, marks));
    }

    /// <summary>
    /// The book does not enforce reduce-only (<see cref="OrderFlags.ReduceOnly"/>: "the book ignores it") and
    /// nothing shrinks a resting reduce-only order when the position shrinks, so a reduce-only order still fills
    /// after a plain order has closed the position, and then it opens one. The worst case of "all open and pending
    /// orders" must then include it; MarketExposure.InitialMargin leaves reduce-only orders out.
    /// </summary>
    [Fact]
    public void A_resting_reduce_only_order_can_still_fill_after_the_position_is_gone_so_it_counts_toward_margin()
    {
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(100_000_000);
        Fill(ledger, spec, Side.Buy, 100, 10);                 // long 10: 100 USD margin, all of the equity
        Assert.Equal(AccountReject.None, ledger.CheckOrder(spec, Side.Sell, 100, 10, true, Marks(100)));
        Rest(ledger, spec, Side.Sell, 100, 10, reduceOnly: true);

        // A plain sell of 20: if it fills and then the reduce-only sell fills too, the account is short 20
        // (2,000 USD notional, 200 USD margin) on 100 USD of equity.
        Assert.Equal(AccountReject.InsufficientMargin, Check(ledger, spec, Side.Sell, 100, 20, mark: 100));

        // Demonstration that the sequence is possible with the ledger as it is: both fill, in that order.
        var exposure = ledger.Find(spec.Symbol)!;
        var roId = exposure.OpenOrders.Single().Key;
        var plain = MarketEvent.Trade(exposure.Cursor + 1, 0, 77, 1, Side.Sell, 78, 999, 100, 20, 0, 0);
        var reduceOnly = MarketEvent.Trade(exposure.Cursor + 2, 0, 79, 999, Side.Buy, roId, 1, 100, 10, 0, 0);
        Assert.True(ledger.Apply(spec.Symbol, exposure.Cursor, [plain, reduceOnly]));
        Assert.Equal(-20, exposure.Position.Size);
        Assert.True(ledger.Equity(Marks(100)) < ledger.InitialMargin(Marks(100)));
    }
}

/// <summary>Unrealised profit does not back new exposure (issue: a mark pushed by self-trades bought real exposure).</summary>
public sealed class UnrealisedProfitTests
{
    [Fact]
    public void Unrealised_profit_does_not_buy_new_exposure_but_unrealised_loss_still_counts()
    {
        var spec = AccountTestData.Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(200_000_000); // 200 USD
        ledger.Track(spec);
        // Long 10 lots from 100 (1,000 USD notional, 100 USD initial margin at 10%).
        Assert.True(ledger.Apply(spec.Symbol, 0, [MarketEvent.Trade(1, 0, 5, 1, Side.Buy, 4, 2, 100, 10, 0, 0)]));

        // At mark 150 the position is up 500 USD: equity 700 USD. Ten more lots at 150 would need 20 x 150 x 10% =
        // 300 USD: enough equity, but only 200 USD of it is not profit at the mark.
        Assert.Equal(700_000_000, ledger.Equity(_ => 150));
        Assert.Equal(200_000_000, ledger.EquityForNewExposure(_ => 150));
        Assert.Equal(AccountReject.InsufficientMargin, ledger.CheckOrder(spec, Side.Buy, 150, 10, reduceOnly: false, _ => 150));
        Assert.Equal(AccountReject.None, ledger.CheckOrder(spec, Side.Buy, 150, 3, reduceOnly: false, _ => 150)); // 13 x 150 x 10% = 195

        // At mark 90 it is down 100 USD, and the loss counts: 100 USD backs new exposure.
        Assert.Equal(100_000_000, ledger.EquityForNewExposure(_ => 90));
        Assert.Equal(AccountReject.InsufficientMargin, ledger.CheckOrder(spec, Side.Buy, 90, 2, reduceOnly: false, _ => 90)); // 12 x 90 x 10% = 108
    }
}
