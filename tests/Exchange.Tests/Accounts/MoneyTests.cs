using System.Numerics;
using CsCheck;
using Exchange.Accounts;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

public sealed class MoneyTests
{
    [Fact]
    public void Notional_is_price_times_size_times_the_specs_micro_usd_per_tick_lot()
    {
        // 1 USD tick x 1 lot: 123 x 45 x 1,000,000.
        Assert.Equal(5_535_000_000, Money.Notional(Usd(), 123, 45));

        // Tick 0.5 USD, lot 0.001: one tick-lot is 0.0005 USD = 500 micro-USD; 130,000 ticks x 7 lots x 500.
        var btc = new Exchange.Matching.MarketSpec("BTC-PERP", TickSize: 0.5m, LotSize: 0.001m, MinPrice: 1, MaxPrice: 1_000_000,
            MinSize: 1, MaxSize: 1_000_000, MarketProtectionTicks: 10);
        Assert.Equal(500, btc.NotionalPerTickLot);
        Assert.Equal(455_000_000, Money.Notional(btc, 130_000, 7));

        // The largest value that fits is exact, one more unit of anything is not.
        Assert.Equal(long.MaxValue, Money.Notional(Spec("ONE", 1), long.MaxValue, 1));
    }

    [Fact]
    public void Notional_that_does_not_fit_a_long_throws_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => Money.Notional(Spec("ONE", 1), long.MaxValue, 2));
        Assert.Throws<OverflowException>(() => Money.Notional(Usd(), 10_000_000_000, 1_000_000)); // 1e22
        // 3,037,000,500^2 = 9,223,372,037,000,250,000: just past long.MaxValue.
        Assert.Equal(9_223_372_030_926_249_001, Money.Notional(Spec("ONE", 1), 3_037_000_499, 3_037_000_499));
        Assert.Throws<OverflowException>(() => Money.Notional(Spec("ONE", 1), 3_037_000_500, 3_037_000_500));
    }

    [Fact]
    public void Notional_is_exact_or_throws_for_any_inputs()
    {
        var magnitude = Gen.Frequency((3, Gen.Long[0, 1_000_000]), (2, Gen.Long[0, 4_000_000_000]), (1, Gen.Long[0, long.MaxValue]));
        var perTickLot = Gen.Frequency((3, Gen.Long[1, 1_000_000]), (1, Gen.Long[1, 1_000_000_000_000]));
        Gen.Select(magnitude, magnitude, perTickLot).Sample((price, size, k) =>
        {
            var spec = Spec("P", k);
            var exact = Notional(price, size, k);
            if (exact <= long.MaxValue) Assert.Equal(exact, (BigInteger)Money.Notional(spec, price, size));
            else Assert.Throws<OverflowException>(() => Money.Notional(spec, price, size));
        }, iter: 3_000);
    }

    [Theory]
    [InlineData(1_000_001, 5, 501)]   // 500.0005 charged -> 501
    [InlineData(1_000_000, 5, 500)]   // exact
    [InlineData(1, 1, 1)]             // 0.0001 charged -> 1
    [InlineData(0, 5, 0)]
    [InlineData(1_000_001, -2, -200)] // 200.0002 rebated -> 200
    [InlineData(9_999, -1, 0)]        // 0.9999 rebated -> nothing
    [InlineData(10_000, -1, -1)]
    [InlineData(long.MaxValue, 10_000, long.MaxValue)]
    [InlineData(long.MaxValue, -10_000, -long.MaxValue)]
    public void Fee_rounds_a_charge_up_and_a_rebate_down(long notional, int bps, long expected) =>
        Assert.Equal(expected, Money.Fee(notional, bps));

    [Fact]
    public void Fee_is_the_smallest_whole_amount_covering_notional_times_bps_for_charges_and_rebates()
    {
        // fee x 10000 >= notional x bps > (fee - 1) x 10000: the ceiling, i.e. the trader never pays less (or is
        // paid more) than the exact fee. For a rebate (bps < 0) the ceiling is the smaller rebate.
        var notional = Gen.Frequency((3, Gen.Long[0, 100_000_000]), (1, Gen.Long[0, long.MaxValue]));
        var bps = Gen.Frequency((3, Gen.Int[0, 10_000]), (1, Gen.Int[-10_000, -1]));
        Gen.Select(notional, bps).Sample((n, b) =>
        {
            BigInteger fee = Money.Fee(n, b);
            var exact = (BigInteger)n * b;
            Assert.True(fee * 10_000 >= exact, $"fee {fee} below {n} x {b} bps");
            Assert.True((fee - 1) * 10_000 < exact, $"fee {fee} more than one unit above {n} x {b} bps");
            Assert.True(BigInteger.Abs(fee) <= n);
        }, iter: 5_000);
    }
}
