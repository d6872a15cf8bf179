using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>
/// A market's risk change reaches the ledger as an event in the account's stream, in sequence with its fills: fees
/// and margin before it use the old schedule, everything after it the new one, and a snapshot keeps the schedule.
/// </summary>
public sealed class AccountLedgerTermsTests
{
    private static readonly MarketRisk Fees10 = new(0, 10, [new MarginTier(0, 1_000, 500)]);
    private static readonly MarketRisk Fees50Margin20 = new(0, 50, [new MarginTier(0, 2_000, 1_000)]);

    [Fact]
    public void Fills_before_a_risk_change_pay_the_old_fee_and_fills_after_it_the_new_one()
    {
        var spec = Usd(risk: Fees10);
        var ledger = new AccountLedger(7);
        ledger.Deposit(1_000_000_000); // 1,000 USD
        ledger.Track(spec);
        // Taker buys 10 lots at 100 USD (notional 1,000 USD): 10 bps = 1 USD.
        Assert.True(ledger.Apply(spec.Symbol, 0, [MarketEvent.Trade(1, 0, 5, 7, Side.Buy, 4, 8, 100, 10, 0, 0)]));
        Assert.Equal(1_000_000, ledger.FeesPaid);

        Assert.True(ledger.Apply(spec.Symbol, 1, [MarketEvent.RiskSet(2, 0, Fees50Margin20)]));
        Assert.Equal(Fees50Margin20, ledger.Find(spec.Symbol)!.Risk);

        // The same trade again: 50 bps of 1,000 USD = 5 USD.
        Assert.True(ledger.Apply(spec.Symbol, 2, [MarketEvent.Trade(3, 0, 6, 7, Side.Buy, 4, 8, 100, 10, 0, 0)]));
        Assert.Equal(6_000_000, ledger.FeesPaid);
        // A long of 20 lots at mark 100 (2,000 USD) needs 20% initial and 10% maintenance margin now.
        Assert.Equal(400_000_000, ledger.InitialMargin(_ => 100));
        Assert.Equal(200_000_000, ledger.MaintenanceMargin(_ => 100));
    }

    [Fact]
    public void A_risk_change_is_applied_once_however_often_it_is_delivered()
    {
        var spec = Usd(risk: Fees10);
        var ledger = new AccountLedger(7);
        ledger.Track(spec);
        Assert.True(ledger.Apply(spec.Symbol, 0, [MarketEvent.RiskSet(4, 0, Fees50Margin20)]));
        Assert.True(ledger.Apply(spec.Symbol, 0, [MarketEvent.RiskSet(4, 0, Fees10 with { TakerFeeBps = 99 })])); // a stale copy
        Assert.Equal(Fees50Margin20, ledger.Find(spec.Symbol)!.Risk);
        Assert.False(ledger.Apply(spec.Symbol, 9, [MarketEvent.ModeSwitched(10, 0, MarketMode.Halted, MarketMode.Open)])); // a gap
        Assert.Equal(MarketMode.Open, ledger.Find(spec.Symbol)!.Mode);
    }

    [Fact]
    public void A_snapshot_keeps_the_schedule_and_mode_the_ledger_had_reached()
    {
        var spec = Usd(risk: Fees10);
        var ledger = new AccountLedger(7);
        ledger.Track(spec);
        ledger.Apply(spec.Symbol, 0, [MarketEvent.RiskSet(2, 0, Fees50Margin20), MarketEvent.ModeSwitched(3, 0, MarketMode.PostOnly, MarketMode.Open)]);

        var restored = new AccountLedger(7);
        AccountSnapshot.Of(ledger).RestoreInto(restored, _ => spec);
        var market = restored.Find(spec.Symbol)!;
        Assert.Equal((Fees50Margin20, MarketMode.PostOnly, 3L), (market.Risk, market.Mode, market.Cursor));
    }

    [Fact]
    public void The_pnl_realised_in_a_market_is_kept_per_market_and_by_a_snapshot()
    {
        var spec = Usd(risk: Fees10);
        var ledger = new AccountLedger(7);
        ledger.Deposit(1_000_000_000);
        ledger.Track(spec);
        // Buys 10 lots at 100, sells them at 97: 10 x 3 USD = 30 USD realised in this market (fees apart).
        Assert.True(ledger.Apply(spec.Symbol, 0, [MarketEvent.Trade(1, 0, 5, 7, Side.Buy, 4, 8, 100, 10, 0, 0),
            MarketEvent.Trade(2, 0, 6, 7, Side.Sell, 4, 9, 97, 10, 0, 0)]));
        Assert.Equal(-30_000_000, ledger.Find(spec.Symbol)!.RealisedPnl);
        Assert.Equal(ledger.RealisedPnl, ledger.Find(spec.Symbol)!.RealisedPnl);

        var restored = new AccountLedger(7);
        AccountSnapshot.Of(ledger).RestoreInto(restored, _ => spec);
        Assert.Equal(-30_000_000, restored.Find(spec.Symbol)!.RealisedPnl);
    }
}
