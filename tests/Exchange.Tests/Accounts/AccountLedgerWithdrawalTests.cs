using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>
/// Withdrawals, by hand, on <see cref="AccountTestData.Usd"/> markets (one tick x one lot = 1 USD, no fees):
/// what may leave is min(collateral, equity) - max(initial margin of positions and orders, 10% of position notional).
/// </summary>
public sealed class AccountLedgerWithdrawalTests
{
    private static void AssertWithdrawable(AccountLedger ledger, long withdrawable, Func<string, long> marks)
    {
        Assert.Equal(AccountReject.None, ledger.CheckWithdrawal(withdrawable, marks));
        Assert.Equal(AccountReject.InsufficientFunds, ledger.CheckWithdrawal(withdrawable + 1, marks));
    }

    [Fact]
    public void Unrealised_profit_cannot_be_withdrawn()
    {
        // 1,000 USD in, long 10 from 100, mark 150: +500 USD unrealised, equity 1,500 USD. Margin 10% of 1,500 USD
        // notional = 150 USD. Only collateral counts: 1,000 - 150 = 850 USD (not 1,350).
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000_000_000);
        Fill(ledger, spec, Side.Buy, 100, 10);
        Assert.Equal(1_500_000_000, ledger.Equity(Marks(150)));
        AssertWithdrawable(ledger, 850_000_000, Marks(150));
    }

    [Fact]
    public void Unrealised_loss_reduces_what_can_be_withdrawn()
    {
        // Mark 80: -200 USD unrealised, equity 800 USD; margin 10% of 800 = 80 USD: 720 USD may leave.
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000_000_000);
        Fill(ledger, spec, Side.Buy, 100, 10);
        AssertWithdrawable(ledger, 720_000_000, Marks(80));

        // A short in loss likewise: short 10 from 100, mark 130: -300 USD, margin 130 USD: 570 USD.
        var shortLedger = new AccountLedger(2);
        shortLedger.Deposit(1_000_000_000);
        Fill(shortLedger, spec, Side.Sell, 100, 10);
        AssertWithdrawable(shortLedger, 570_000_000, Marks(130));
    }

    [Fact]
    public void Initial_margin_of_open_and_pending_orders_stays_behind()
    {
        // No position; a resting buy of 30 at 100 (300 USD margin) and a pending buy of 20 at 110 (the buys are
        // valued together at the worse price: 50 x 110 = 5,500 USD, 550 USD margin): 1,000 - 550 = 450 USD.
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000_000_000);
        Rest(ledger, spec, Side.Buy, 100, 30);
        AssertWithdrawable(ledger, 700_000_000, Marks(100));
        ledger.Track(spec).AddPending("p", new WorkingOrder(Side.Buy, 110, 20, ReduceOnly: false));
        AssertWithdrawable(ledger, 450_000_000, Marks(100));

        // With a long 5 from 100 at mark 100 as well: the buy case is 55 lots at 110 = 605 USD.
        Fill(ledger, spec, Side.Buy, 100, 5);
        AssertWithdrawable(ledger, 395_000_000, Marks(100));
    }

    [Fact]
    public void At_least_ten_percent_of_position_notional_stays_even_when_initial_margin_is_lower()
    {
        // 5% initial margin (20x). 200 USD in, long 10 at 100 (1,000 USD): initial margin 50 USD would let 150 USD
        // go; the 10% rule keeps 100 USD.
        var spec = Usd(risk: Flat5);
        var ledger = new AccountLedger(1);
        ledger.Deposit(200_000_000);
        Fill(ledger, spec, Side.Buy, 100, 10);
        Assert.Equal(50_000_000, ledger.InitialMargin(Marks(100)));
        AssertWithdrawable(ledger, 100_000_000, Marks(100));
        Assert.Equal(AccountReject.InsufficientFunds, ledger.CheckWithdrawal(150_000_000, Marks(100)));

        // Summed over markets: a short of 5 at 40 in a second market (mark 40) adds 200 USD notional: 120 USD kept.
        var other = Usd("OTHER-PERP", Flat5);
        Fill(ledger, other, Side.Sell, 40, 5);
        AssertWithdrawable(ledger, 80_000_000, s => s == "OTHER-PERP" ? 40 : 100);
    }

    [Fact]
    public void Ten_percent_of_notional_rounds_up()
    {
        // One tick-lot = 1 micro-USD. Long 15 at 1: notional 15, 10% = 1.5 -> 2 kept (5% margin would be 1).
        var spec = Spec("MICRO", 1, Flat5);
        var ledger = new AccountLedger(1);
        ledger.Deposit(100);
        Fill(ledger, spec, Side.Buy, 1, 15);
        AssertWithdrawable(ledger, 98, Marks(1));
    }

    [Fact]
    public void Withdrawing_moves_the_money_and_checks_come_from_what_is_left()
    {
        var ledger = new AccountLedger(1);
        ledger.Deposit(300);
        ledger.Deposit(200);
        Assert.Equal(AccountReject.None, ledger.CheckWithdrawal(500, Marks(1)));
        ledger.Withdraw(120);
        Assert.Equal((380L, 500L, 120L), (ledger.Collateral, ledger.Deposited, ledger.Withdrawn));
        AssertWithdrawable(ledger, 380, Marks(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Non_positive_amounts_are_invalid(long amount)
    {
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000);
        Assert.Equal(AccountReject.InvalidAmount, ledger.CheckWithdrawal(amount, Marks(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Withdraw(amount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Deposit(amount));
        Assert.Equal((1_000L, 1_000L, 0L), (ledger.Collateral, ledger.Deposited, ledger.Withdrawn));
    }
}
