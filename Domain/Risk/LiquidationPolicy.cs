using Exchange.Accounts;
using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// The liquidation rules, pure and exact. An account is liquidated when its equity (collateral plus unrealised PnL
/// at the marks, across all its markets: cross margin) is below its maintenance margin. It is then closed, market by
/// market, no worse than its bankruptcy price: the price at which closing the position leaves the account's equity at
/// exactly zero. Every rounding favours the venue and the other traders: the bankruptcy price rounds towards the
/// mark (the account gets no better than zero), a fee never takes the account below zero, a takeover or deleveraging
/// never closes more than the position.
/// </summary>
public static class LiquidationPolicy
{
    public static long Equity(long collateral, ReadOnlySpan<PositionRisk> positions)
    {
        var equity = collateral;
        foreach (ref readonly var p in positions) equity = checked(equity + p.UnrealisedPnl);
        return equity;
    }

    public static long Maintenance(ReadOnlySpan<PositionRisk> positions)
    {
        long margin = 0;
        foreach (ref readonly var p in positions) margin = checked(margin + p.Maintenance);
        return margin;
    }

    /// <summary>Whether the account holds a position and its equity is below its maintenance margin.</summary>
    public static bool IsUnderMaintenance(long collateral, ReadOnlySpan<PositionRisk> positions)
    {
        var any = false;
        foreach (ref readonly var p in positions) any |= p.Size != 0;
        return any && Equity(collateral, positions) < Maintenance(positions);
    }

    /// <summary>
    /// Maintenance margin over equity in parts per million (0 with nothing to maintain; <see cref="long.MaxValue"/> when
    /// equity is gone): at 1,000,000 or more the account is liquidated.
    /// </summary>
    public static long MarginRatioPpm(long equity, long maintenance)
    {
        if (maintenance <= 0) return 0;
        if (equity <= 0) return long.MaxValue;
        return (long)Int128.Min(long.MaxValue, (Int128)maintenance * 1_000_000 / equity);
    }

    /// <summary>
    /// The price at which closing all of a position of <paramref name="size"/> lots (signed) leaves the account's
    /// <paramref name="equity"/> (valued with the position at <paramref name="mark"/>) at zero: for a long
    /// mark - equity / (size x unit), rounded up; for a short mark + equity / (|size| x unit), rounded down. Clamped
    /// to the market's prices (a clamp can only make it worse for the account, never create money).
    /// </summary>
    public static long BankruptcyPrice(MarketSpec spec, long equity, long size, long mark) =>
        BankruptcyPrice(spec.NotionalPerTickLot, spec.MinPrice, spec.MaxPrice, equity, size, mark);

    /// <summary>The bankruptcy price as above, for whoever knows the market by its tick-lot value and price range only.</summary>
    public static long BankruptcyPrice(long notionalPerTickLot, long minPrice, long maxPrice, long equity, long size, long mark)
    {
        if (size == 0) throw new ArgumentException("a bankruptcy price needs a position", nameof(size));
        var perTick = (Int128)Math.Abs(size) * notionalPerTickLot;
        Int128 price = size > 0 ? mark - FloorDiv(equity, perTick) : mark + FloorDiv(equity, perTick);
        return (long)Int128.Clamp(price, minPrice, maxPrice);
    }

    /// <summary>The size of the next slice sent to the book: the position, at most the rules' slice.</summary>
    public static long Slice(long size, LiquidationRules rules) => Math.Min(Math.Abs(size), rules.SliceLots);

    /// <summary>The liquidation fee on a notional closed: its basis points, rounded up, but never beyond the equity left.</summary>
    public static long Fee(long notionalClosed, int feeBps, long equityLeft) =>
        Math.Min(Money.Fee(notionalClosed, feeBps), Math.Max(0, equityLeft));

    /// <summary>
    /// How much of <paramref name="size"/> lots the fund takes over at <paramref name="bankruptcyPrice"/>: all of it when
    /// the loss this causes it at the mark stays within its cap, otherwise the share the cap allows (rounded down); none
    /// when the fund has no equity. The cap is on the fund's whole loss in this market: <see cref="LiquidationRules.FundLossCapBps"/>
    /// of its equity, less what its position there already loses at the mark (<paramref name="lossSoFar"/>), so repeated
    /// takeovers in one market cannot drain the fund step by step (the JELLY lesson).
    /// </summary>
    public static long FundTakeover(long size, long bankruptcyPrice, long mark, long notionalPerTickLot, long fundEquity, LiquidationRules rules,
        long lossSoFar = 0)
    {
        var absolute = Math.Abs(size);
        // The fund takes the liquidated side's position: it buys a long at the bankruptcy price and values it at the mark.
        Int128 lossPerLot = (Int128)(size > 0 ? bankruptcyPrice - mark : mark - bankruptcyPrice) * notionalPerTickLot;
        if (lossPerLot <= 0) return fundEquity > 0 ? absolute : 0;
        if (fundEquity <= 0) return 0;
        var allowed = (Int128)fundEquity * rules.FundLossCapBps / Money.BasisPointsPerUnit - Math.Max(0, lossSoFar);
        return allowed <= 0 ? 0 : (long)Int128.Min(absolute, allowed / lossPerLot);
    }

    /// <summary>
    /// Auto-deleveraging: the counterparties, in rank order, and how much each closes, until <paramref name="size"/>
    /// lots are covered and not one lot more; each closes at most its own position. Whatever is uncovered stays with
    /// the account (bad debt if its equity is negative).
    /// </summary>
    public static List<(long AccountId, long Size)> Deleverage(long size, IEnumerable<AdlCandidate> ranked)
    {
        var plan = new List<(long, long)>();
        var left = Math.Abs(size);
        foreach (var c in ranked)
        {
            if (left == 0) break;
            var take = Math.Min(left, Math.Abs(c.Size));
            if (take <= 0) continue;
            plan.Add((c.AccountId, take));
            left -= take;
        }
        return plan;
    }

    /// <summary>
    /// The mark at which this position's market would liquidate the account, the other markets' marks held where they
    /// are: the first tick (going against the position) where equity falls below maintenance; 0 when no price in the
    /// market's range does (or there is no position). Equity minus maintenance moves monotonically with the mark
    /// (maintenance rates are below 100%), so a binary search over ticks finds it exactly.
    /// </summary>
    public static long LiquidationPrice(MarketSpec spec, long collateral, ReadOnlySpan<PositionRisk> positions, int index)
    {
        var p = positions[index];
        if (p.Size == 0) return 0;
        long otherEquity = collateral, otherMaintenance = 0;
        for (var i = 0; i < positions.Length; i++)
        {
            if (i == index) continue;
            otherEquity = checked(otherEquity + positions[i].UnrealisedPnl);
            otherMaintenance = checked(otherMaintenance + positions[i].Maintenance);
        }
        bool Under(long mark) => otherEquity + p.UnrealisedPnlAt(mark) < otherMaintenance + p.MaintenanceAt(mark);
        long low = spec.MinPrice, high = spec.MaxPrice;
        if (p.Size > 0)
        {
            // The highest price at which a long is under: none if even the lowest is safe.
            if (!Under(low)) return 0;
            while (low < high)
            {
                var mid = low + (high - low + 1) / 2;
                if (Under(mid)) low = mid; else high = mid - 1;
            }
            return low;
        }
        if (!Under(high)) return 0;
        while (low < high)
        {
            var mid = low + (high - low) / 2;
            if (Under(mid)) high = mid; else low = mid + 1;
        }
        return low;
    }

    private static Int128 FloorDiv(Int128 numerator, Int128 denominator)
    {
        var q = numerator / denominator;
        return numerator % denominator != 0 && numerator < 0 ? q - 1 : q;
    }
}

/// <summary>
/// A profitable position on the other side, offered for auto-deleveraging with its rank (higher goes first), and the
/// account's cursor in that market when the size was reported (-1: not known).
/// </summary>
[GenerateSerializer, Immutable, Alias("AdlCandidate")]
public readonly record struct AdlCandidate(long AccountId, long Size, long Score, long Cursor = -1)
{
    /// <summary>
    /// The candidate less what was deleveraged against it after its cursor (events its report cannot include yet), so a
    /// counterparty is never closed beyond its position because its report is late. <paramref name="since"/>: the
    /// sequence and lots of each deleveraging against it known to the caller.
    /// </summary>
    public AdlCandidate Less(IEnumerable<(long Sequence, long Lots)> since)
    {
        long later = 0;
        foreach (var (sequence, lots) in since) if (sequence > Cursor) later = checked(later + lots);
        var left = Math.Max(0, Math.Abs(Size) - later);
        return this with { Size = Math.Sign(Size) * left };
    }
}
