using System.Numerics;
using CsCheck;
using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

public sealed class PositionTests
{
    private static readonly Gen<(Side Side, long Price, long Size)> Fills = Gen.Select(
        Gen.Enum<Side>(),
        Gen.Frequency((3, Gen.Long[95, 105]), (1, Gen.Long[1, 1_000_000])),
        Gen.Frequency((3, Gen.Long[1, 10]), (1, Gen.Long[1, 10_000])));

    private static readonly Gen<long> PerTickLot = Gen.Frequency(
        (1, Gen.Const(1L)), (1, Gen.Const(1_000_000L)), (2, Gen.Long[1, 1_000_000]));

    [Fact]
    public void Realised_plus_unrealised_equals_the_cash_flows_plus_the_position_at_mark_exactly()
    {
        // For any fills: sum(realised) + unrealised(mark) == sum(sell notional - buy notional) + size x mark x K,
        // checked after every fill; and closing what is left realises exactly the cash flows (cost basis 0).
        Gen.Select(PerTickLot, Fills.Array[1, 60], Gen.Long[1, 1_000_000], Gen.Long[1, 1_000_000])
            .Sample((k, fills, mark, closePrice) =>
            {
                var spec = Spec("P", k);
                var position = new Position();
                BigInteger realised = 0, cash = 0;
                long size = 0;
                foreach (var (side, price, lots) in fills)
                {
                    realised += position.Fill(spec, side, price, lots);
                    cash += side == Side.Sell ? Notional(price, lots, k) : -Notional(price, lots, k);
                    size += side == Side.Buy ? lots : -lots;
                    Assert.Equal(size, position.Size);
                    Assert.Equal(cash + (BigInteger)size * mark * k, realised + position.UnrealisedPnl(spec, mark));
                    Assert.Equal((BigInteger)Math.Abs(size) * mark * k, (BigInteger)position.Notional(spec, mark));
                    if (size == 0) Assert.Equal(0, position.Cost);
                }
                if (size != 0)
                {
                    var side = size > 0 ? Side.Sell : Side.Buy;
                    realised += position.Fill(spec, side, closePrice, Math.Abs(size));
                    cash += (size > 0 ? 1 : -1) * Notional(closePrice, Math.Abs(size), k);
                }
                Assert.Equal(0, position.Size);
                Assert.Equal(0, position.Cost);
                Assert.Equal(0, position.UnrealisedPnl(spec, mark));
                Assert.Equal(cash, realised);
            }, iter: 2_000);
    }

    [Fact]
    public void A_close_removes_the_closed_share_of_the_basis_and_a_flip_starts_a_fresh_basis()
    {
        // Reducing |size| from s to s' keeps Cost' / s' = Cost / s to within one micro-USD of the total basis:
        // |Cost' x s - Cost x s'| < s. Crossing zero, the new basis is exactly the new side's notional.
        Gen.Select(PerTickLot, Fills.Array[1, 60]).Sample((k, fills) =>
        {
            var spec = Spec("P", k);
            var position = new Position();
            foreach (var (side, price, lots) in fills)
            {
                var (before, cost) = (position.Size, position.Cost);
                position.Fill(spec, side, price, lots);
                var after = position.Size;
                if (before != 0 && after != 0 && Math.Sign(before) == Math.Sign(after) && Math.Abs(after) < Math.Abs(before))
                {
                    var drift = BigInteger.Abs((BigInteger)position.Cost * Math.Abs(before) - (BigInteger)cost * Math.Abs(after));
                    Assert.True(drift < Math.Abs(before), $"basis {cost} for {before} lots became {position.Cost} for {after}");
                }
                else if (after != 0 && Math.Sign(after) != Math.Sign(before))
                    Assert.Equal(Math.Sign(after) * Notional(price, Math.Abs(after), k), (BigInteger)position.Cost);
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Unrealised_pnl_of_a_long_rises_with_the_mark_and_of_a_short_falls()
    {
        Gen.Select(PerTickLot, Fills.Array[1, 30], Gen.Long[1, 1_000_000], Gen.Long[1, 1_000_000]).Sample((k, fills, a, b) =>
        {
            var spec = Spec("P", k);
            var position = new Position();
            foreach (var (side, price, lots) in fills) position.Fill(spec, side, price, lots);
            var (low, high) = (Math.Min(a, b), Math.Max(a, b));
            var rise = (BigInteger)position.UnrealisedPnl(spec, high) - position.UnrealisedPnl(spec, low);
            // Exactly size x (high - low) x K: a long gains, a short loses, flat is unchanged.
            Assert.Equal((BigInteger)position.Size * (high - low) * k, rise);
            if (position.Size > 0 && high > low) Assert.True(rise > 0);
            if (position.Size < 0 && high > low) Assert.True(rise < 0);
        }, iter: 2_000);
    }

    [Fact]
    public void Long_then_short_in_one_fill()
    {
        var spec = Usd(); // one tick-lot = 1 USD
        var position = new Position();
        Assert.Equal(0, position.Fill(spec, Side.Buy, 100, 5));
        Assert.Equal((5, 500_000_000L), (position.Size, position.Cost));

        // Sell 8 at 110: closes the 5 long (+10 USD each = 50 USD realised), opens 3 short at 110.
        Assert.Equal(50_000_000, position.Fill(spec, Side.Sell, 110, 8));
        Assert.Equal((-3, -330_000_000L), (position.Size, position.Cost));
        Assert.Equal(30_000_000, position.UnrealisedPnl(spec, 100)); // short from 110, mark 100: +10 x 3
        Assert.Equal(0, position.UnrealisedPnl(spec, 110));
        Assert.Equal(-15_000_000, position.UnrealisedPnl(spec, 115));

        // Buy 4 at 120: closes the 3 short (-10 USD each), opens 1 long at 120.
        Assert.Equal(-30_000_000, position.Fill(spec, Side.Buy, 120, 4));
        Assert.Equal((1, 120_000_000L), (position.Size, position.Cost));
    }

    [Fact]
    public void Closing_part_keeps_the_rest_of_the_basis_so_the_whole_life_is_exact()
    {
        var spec = Spec("ONE", 1);
        var position = new Position();
        position.Fill(spec, Side.Buy, 100, 1);
        position.Fill(spec, Side.Buy, 101, 1); // 2 long, basis 201: average 100.5 is never rounded
        var first = position.Fill(spec, Side.Sell, 105, 1);
        Assert.Equal(1, position.Size);
        Assert.Equal(201 - (105 - first), position.Cost); // whatever share was removed, the rest stays in the basis
        var second = position.Fill(spec, Side.Sell, 105, 1);
        Assert.Equal(210 - 201, first + second);
        Assert.Equal((0, 0L), (position.Size, position.Cost));
    }

    [Fact]
    public void Closing_the_whole_position_leaves_no_cost()
    {
        var spec = Spec("K7", 7);
        var position = new Position();
        long realised = 0;
        realised += position.Fill(spec, Side.Sell, 33, 3);
        realised += position.Fill(spec, Side.Sell, 34, 4); // received (99 + 136) x 7 = 1645
        realised += position.Fill(spec, Side.Buy, 30, 2);  // paid 60 x 7 = 420
        Assert.Equal(-5, position.Size);
        Assert.NotEqual(0, position.Cost);
        realised += position.Fill(spec, Side.Buy, 31, 5);  // paid 155 x 7 = 1085
        Assert.Equal((0, 0L), (position.Size, position.Cost));
        Assert.Equal(1645 - 420 - 1085, realised);
    }
}
