using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// An account under maintenance as the risk view holds it, in the market it is to be closed in: its cursor there (the
/// market refuses the step if the account moved after it), its signed position and its bankruptcy price at the marks
/// the view held.
/// </summary>
/// <param name="Equity">The account's equity at the marks the view held (collateral plus unrealised PnL in every market).</param>
[GenerateSerializer, Immutable, Alias("BackstopEntry")]
public readonly record struct BackstopEntry(long AccountId, long Cursor, long Size, long BankruptcyPrice, long Equity = 0);

/// <summary>
/// A market's insurance fund as its account holds it there: its signed position, its cursor in the market, its unrealised
/// PnL there at <paramref name="Mark"/>, its equity at the same marks (every market), and the PnL it realised there before.
/// </summary>
public readonly record struct FundHolding(long Size, long Cursor, long UnrealisedPnl, long Equity, long Mark, long RealisedPnl = 0)
{
    /// <summary>What the fund has lost in the market, realised and at the mark (0 when it is ahead).</summary>
    public long Loss => Math.Max(0, -checked(UnrealisedPnl + RealisedPnl));
}

/// <summary>A planned takeover or deleveraging, with the cursor of the liquidated account it was decided at.</summary>
public readonly record struct PlannedTransfer(PositionTransfer Transfer, long AccountCursor);

/// <summary>
/// The backstop for many accounts at once, pure and exact: the same rules as <see cref="LiquidationPolicy"/> applied to
/// a batch in order, each account seeing the fund and the counterparties as the accounts before it left them. For each
/// account whose position the book cannot absorb at its bankruptcy price, the insurance fund takes what its loss cap
/// allows (the cap counting the losses of the takeovers planned before it in the batch), and the rest is closed against
/// the best-ranked profitable opposite positions, exactly as much as is left, each counterparty at most what remains of
/// its position after the earlier accounts. What nobody takes stays (bad debt if the account's equity is negative).
/// </summary>
public static class BackstopPlanner
{
    /// <summary>
    /// Whether the market's mark has moved in the position's favour since the shard found it under maintenance (up for a
    /// long, down for a short): it may be above maintenance again, so its account decides at the marks of now. A mark
    /// that moved against it, or not at all, leaves the verdict standing. Requiring the very mark of the verdict instead
    /// stalled the 100,000-account crash: with the index ticking four times a second the mark had always moved by the
    /// time a batch's turn came, every batch was dropped, and the accounts waited to be found again.
    /// </summary>
    public static bool MarkMovedInItsFavour(long size, long verdictMark, long mark) =>
        size > 0 ? mark > verdictMark : size < 0 && mark < verdictMark;

    /// <summary>
    /// The liquidation fee after a slice traded through the book: <see cref="LiquidationPolicy.Fee"/> on the notional
    /// traded, never beyond the equity left, which is the account's equity at <paramref name="mark"/> plus what the fills
    /// realised against the mark, less their trading fees (each fill's taker fee, as the account's ledger charges it).
    /// </summary>
    public static long FeeAfterFills(BackstopEntry e, long mark, long notionalPerTickLot, int takerFeeBps, int liquidationFeeBps,
        IEnumerable<(long Price, long Lots)> fills)
    {
        long equityLeft = e.Equity, notional = 0;
        foreach (var (price, lots) in fills)
        {
            var filled = checked((long)((Int128)price * lots * notionalPerTickLot));
            var atMark = checked((long)((Int128)mark * lots * notionalPerTickLot));
            // Selling a long above the mark, or buying a short back below it, leaves more than the mark valued.
            equityLeft = checked(equityLeft + (e.Size > 0 ? filled - atMark : atMark - filled) - Accounts.Money.Fee(filled, takerFeeBps));
            notional = checked(notional + filled);
        }
        return LiquidationPolicy.Fee(notional, liquidationFeeBps, equityLeft);
    }

    /// <summary>
    /// Whether the fund's loss in a market (what it realised there and what its position there loses at the mark) has passed
    /// its cap: <see cref="LiquidationRules.FundLossCapBps"/> of what the fund would be worth without that loss (its equity
    /// plus the loss), while the position it holds there loses. A takeover counts the cap on the fund's equity of now,
    /// which already carries the loss, so it stops sooner: a takeover within its cap never puts the fund past it at once;
    /// only the price running on afterwards does. Counting what was realised keeps a fund deleveraged at its cap from
    /// taking over again in that market and being drained one cap at a time.
    /// </summary>
    public static bool FundPastCap(FundHolding fund, LiquidationRules rules) =>
        fund.Size != 0 && fund.UnrealisedPnl < 0 && fund.Loss > FundLossAllowed(fund, rules);

    private static long FundLossAllowed(FundHolding fund, LiquidationRules rules)
    {
        var worth = (Int128)fund.Equity + fund.Loss;
        return worth <= 0 ? 0 : (long)(worth * rules.FundLossCapBps / Accounts.Money.BasisPointsPerUnit);
    }

    /// <summary>
    /// The fund past its loss cap in a market is closed there as a bankrupt account is, its cap standing in for its equity:
    /// its whole position, deleveraged against the best-ranked profitable opposite positions (each at most what it holds,
    /// never the fund itself) at the price where the fund's loss there equals its cap, rounded in the fund's favour. However
    /// far the price runs after the last account was handled, the fund loses at most its cap in the market, and the rest
    /// falls on the winners' profits instead of becoming bad debt (the JELLY lesson). Empty while the loss is within the cap;
    /// what no counterparty can take stays with the fund.
    /// </summary>
    /// <param name="ranked">Profitable positions opposite the fund's, best ranked first.</param>
    public static List<PlannedTransfer> DeleverageFund(FundHolding fund, long notionalPerTickLot, long minPrice, long maxPrice,
        LiquidationRules rules, IEnumerable<AdlCandidate> ranked)
    {
        if (!FundPastCap(fund, rules)) return [];
        // What the position may still lose is the cap less what was realised there (never below zero: the fund does not gain
        // from the closing); from the mark, the price where it loses exactly that is the cap's price.
        var leftForPosition = Math.Max(0, checked(FundLossAllowed(fund, rules) + fund.RealisedPnl));
        var price = LiquidationPolicy.BankruptcyPrice(notionalPerTickLot, minPrice, maxPrice,
            checked(leftForPosition + fund.UnrealisedPnl), fund.Size, fund.Mark);
        var side = fund.Size > 0 ? Side.Sell : Side.Buy;
        var opposite = ranked.Where(c => c.AccountId != rules.FundAccountId && c.Size != 0 && (c.Size > 0) != (fund.Size > 0));
        return [.. LiquidationPolicy.Deleverage(fund.Size, opposite).Select(d => new PlannedTransfer(
            new PositionTransfer(PositionTransferKind.Deleverage, rules.FundAccountId, d.AccountId, side, price, d.Size), fund.Cursor))];
    }

    /// <param name="fundEquity">The fund's equity at the marks, before the batch.</param>
    /// <param name="fundPnlHere">The fund's PnL in this market, realised and unrealised at <paramref name="mark"/>, before the batch.</param>
    /// <param name="shorts">Profitable shorts, best ranked first (the counterparties when longs are closed).</param>
    /// <param name="longs">Profitable longs, best ranked first (the counterparties when shorts are closed).</param>
    public static List<PlannedTransfer> Plan(IReadOnlyList<BackstopEntry> entries, long mark, long notionalPerTickLot, long fundEquity,
        long fundPnlHere, LiquidationRules rules, IReadOnlyList<AdlCandidate> shorts, IReadOnlyList<AdlCandidate> longs)
    {
        var plan = new List<PlannedTransfer>();
        var left = new Dictionary<long, long>();
        foreach (var c in shorts.Concat(longs)) left.TryAdd(c.AccountId, Math.Abs(c.Size));
        foreach (var e in entries)
        {
            if (e.Size == 0 || e.AccountId == rules.FundAccountId) continue;
            var side = e.Size > 0 ? Side.Sell : Side.Buy;
            var taken = LiquidationPolicy.FundTakeover(e.Size, e.BankruptcyPrice, mark, notionalPerTickLot, fundEquity, rules,
                Math.Max(0, -fundPnlHere));
            if (taken > 0)
            {
                plan.Add(new PlannedTransfer(new PositionTransfer(PositionTransferKind.Takeover, e.AccountId, rules.FundAccountId, side,
                    e.BankruptcyPrice, taken), e.Cursor));
                // The fund holds the taken lots from the bankruptcy price; at the mark they gain or lose this much.
                var pnl = checked((long)((Int128)(e.Size > 0 ? mark - e.BankruptcyPrice : e.BankruptcyPrice - mark) * taken * notionalPerTickLot));
                fundEquity = checked(fundEquity + pnl);
                fundPnlHere = checked(fundPnlHere + pnl);
            }
            var rest = Math.Abs(e.Size) - taken;
            foreach (var c in e.Size > 0 ? shorts : longs)
            {
                if (rest == 0) break;
                if (c.AccountId == e.AccountId || c.AccountId == rules.FundAccountId || (c.Size > 0) == (e.Size > 0)) continue;
                var lots = Math.Min(rest, left[c.AccountId]);
                if (lots <= 0) continue;
                plan.Add(new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, e.AccountId, c.AccountId, side,
                    e.BankruptcyPrice, lots), e.Cursor));
                left[c.AccountId] -= lots;
                rest -= lots;
            }
        }
        return plan;
    }
}
