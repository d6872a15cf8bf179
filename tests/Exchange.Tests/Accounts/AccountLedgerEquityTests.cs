using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

public sealed class AccountLedgerEquityTests
{
    [Fact]
    public void Equity_is_collateral_plus_unrealised_pnl_at_each_markets_mark()
    {
        var a = Usd("A-PERP");
        var b = Usd("B-PERP");
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000_000_000);
        Fill(ledger, a, Side.Buy, 100, 3);  // long 3 from 100
        Fill(ledger, b, Side.Sell, 50, 4);  // short 4 from 50
        Func<string, long> marks = s => s == "A-PERP" ? 110 : 45;
        // +3 x 10 USD + 4 x 5 USD = +50 USD.
        Assert.Equal(1_050_000_000, ledger.Equity(marks));
        // Initial margin 10% of 330 + 180 USD = 51 USD; maintenance 5% = 25.5 USD.
        Assert.Equal(51_000_000, ledger.InitialMargin(marks));
        Assert.Equal(25_500_000, ledger.MaintenanceMargin(marks));
    }

    /// <summary>
    /// With no mark yet a position is valued at its entry price "rounded against the trader" (AccountLedger.MarkFor),
    /// so it can never show an unrealised profit: equity &lt;= collateral. Sold 2 at 100 and 1 at 101 (entry
    /// 100.33): rounding against a short is up, to 101, i.e. -2 USD.
    /// </summary>
    [Theory]
    [InlineData(Side.Buy, -1_000_000)]  // long from 100.33 valued at 100: -1 USD
    [InlineData(Side.Sell, -2_000_000)] // short from 100.33 valued at 101: -2 USD
    public void Without_a_mark_a_position_never_shows_unrealised_profit(Side side, long expectedUnrealised)
    {
        var spec = Usd();
        var ledger = new AccountLedger(1);
        ledger.Deposit(1_000_000_000);
        Fill(ledger, spec, side, 100, 2);
        Fill(ledger, spec, side, 101, 1);
        var noMark = Marks(0);
        Assert.True(ledger.Equity(noMark) <= ledger.Collateral,
            $"{side} position shows {ledger.Equity(noMark) - ledger.Collateral} micro-USD unrealised profit without a mark");
        Assert.Equal(expectedUnrealised, ledger.Equity(noMark) - ledger.Collateral);
    }
}
