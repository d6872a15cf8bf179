using CsCheck;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Accounts;

namespace Exchange.Tests.Risk;

/// <summary>
/// The batched backstop's rules: when the book step can be skipped, how one batch shares the fund's cap and the
/// counterparties among its accounts (hand-computed, one tick = one lot = 1 USD = 1,000,000 minor units), the fee after a
/// batched slice, and what the risk view knows to describe an account fully.
/// </summary>
public sealed class BackstopPlannerTests
{
    private const long Unit = 1_000_000;
    private const long Fund = 900;
    private static readonly LiquidationRules Rules = new(Fund, FeeBps: 50, FundLossCapBps: 2_000);

    [Fact]
    public void A_verdict_stands_unless_the_mark_moved_in_the_positions_favour()
    {
        Assert.False(BackstopPlanner.MarkMovedInItsFavour(10, verdictMark: 100, mark: 100), "the same mark");
        Assert.False(BackstopPlanner.MarkMovedInItsFavour(10, verdictMark: 100, mark: 99), "a long, the price fell further");
        Assert.True(BackstopPlanner.MarkMovedInItsFavour(10, verdictMark: 100, mark: 101), "a long, the price rose");
        Assert.False(BackstopPlanner.MarkMovedInItsFavour(-10, verdictMark: 100, mark: 101), "a short, the price rose further");
        Assert.True(BackstopPlanner.MarkMovedInItsFavour(-10, verdictMark: 100, mark: 99), "a short, the price fell");
    }

    [Fact]
    public void One_batch_shares_the_fund_cap_in_order_and_deleverages_exactly_the_rest()
    {
        // Two longs of 10 lots bankrupt at 92 with the mark at 90: each lot taken costs the fund 2 USD. The fund has 100 USD,
        // so its cap is 20 USD of loss: the first account's 10 lots (20 USD) use it all, the second gets nothing from it.
        BackstopEntry[] entries = [new(1, 7, 10, 92), new(2, 8, 10, 92)];
        AdlCandidate[] shorts = [new(50, -6, 900), new(51, -100, 100)];
        var plan = BackstopPlanner.Plan(entries, 90, Unit, 100 * Unit, 0, Rules, shorts, []);

        Assert.Equal(
        [
            new PlannedTransfer(new PositionTransfer(PositionTransferKind.Takeover, 1, Fund, Side.Sell, 92, 10), 7),
            new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, 2, 50, Side.Sell, 92, 6), 8),
            new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, 2, 51, Side.Sell, 92, 4), 8),
        ], plan);
    }

    [Fact]
    public void A_counterparty_is_never_closed_beyond_what_the_earlier_accounts_left_of_it()
    {
        // No fund money: everything is deleveraged against one short of 15 lots; the second account gets only 5 of its 10.
        BackstopEntry[] entries = [new(1, 1, 10, 92), new(2, 2, 10, 92)];
        var plan = BackstopPlanner.Plan(entries, 90, Unit, 0, 0, Rules, [new AdlCandidate(50, -15, 1)], []);
        Assert.Equal([10L, 5L], plan.Select(p => p.Transfer.Size));
        Assert.All(plan, p => Assert.Equal(PositionTransferKind.Deleverage, p.Transfer.Kind));
    }

    [Fact]
    public void A_short_is_taken_by_the_fund_and_deleveraged_against_longs()
    {
        // A short of 10 whose bankruptcy price is 112 with the mark at 110 (the book had no ask to take it): the fund sells
        // at 112 what is worth 110, gaining 2 USD a lot, so it takes all of it and nobody is deleveraged.
        var plan = BackstopPlanner.Plan([new BackstopEntry(3, 4, -10, 112)], 110, Unit, 1 * Unit, 0, Rules, [], [new AdlCandidate(60, 10, 1)]);
        Assert.Equal([new PlannedTransfer(new PositionTransfer(PositionTransferKind.Takeover, 3, Fund, Side.Buy, 112, 10), 4)], plan);
        // With the fund's cap used up by a loss it already carries here, the longs take the short: exactly 10 lots.
        var capped = BackstopPlanner.Plan([new BackstopEntry(3, 4, -10, 108)], 110, Unit, 10 * Unit, -5 * Unit, Rules, [], [new AdlCandidate(60, 30, 1)]);
        Assert.Equal([new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, 3, 60, Side.Buy, 108, 10), 4)], capped);
    }

    [Fact]
    public void A_batch_decides_as_the_same_accounts_decided_one_after_another() =>
        Gen.Select(Gen.Select(Gen.Long[1, 50], Gen.Long[85, 100]).Array[1, 12], Gen.Long[0, 500], Gen.Long[-200, 50],
                Gen.Select(Gen.Long[1, 40], Gen.Long[1, 1_000]).Array[0, 6])
            .Sample((accounts, fundUsd, fundPnlUsd, counterparties) =>
            {
                const long mark = 90;
                var entries = accounts.Select((a, i) => new BackstopEntry(i + 1, i, a.Item1, a.Item2)).ToArray();
                var shorts = counterparties.Select((c, i) => new AdlCandidate(1_000 + i, -c.Item1, c.Item2)).ToArray();
                var plan = BackstopPlanner.Plan(entries, mark, Unit, fundUsd * Unit, fundPnlUsd * Unit, Rules, shorts, []);

                // The same decisions, one account at a time, with LiquidationPolicy's single-account rules.
                long equity = fundUsd * Unit, pnl = fundPnlUsd * Unit;
                var left = shorts.ToDictionary(c => c.AccountId, c => -c.Size);
                var expected = new List<PlannedTransfer>();
                foreach (var e in entries)
                {
                    var taken = LiquidationPolicy.FundTakeover(e.Size, e.BankruptcyPrice, mark, Unit, equity, Rules, Math.Max(0, -pnl));
                    if (taken > 0)
                    {
                        expected.Add(new(new(PositionTransferKind.Takeover, e.AccountId, Fund, Side.Sell, e.BankruptcyPrice, taken), e.Cursor));
                        var change = (mark - e.BankruptcyPrice) * taken * Unit;
                        (equity, pnl) = (equity + change, pnl + change);
                    }
                    var available = shorts.Select(c => new AdlCandidate(c.AccountId, -left[c.AccountId], c.Score)).Where(c => c.Size != 0);
                    foreach (var (counterparty, lots) in LiquidationPolicy.Deleverage(e.Size - taken, available))
                    {
                        expected.Add(new(new(PositionTransferKind.Deleverage, e.AccountId, counterparty, Side.Sell, e.BankruptcyPrice, lots), e.Cursor));
                        left[counterparty] -= lots;
                    }
                }
                Assert.Equal(expected, plan);
                // Never one lot more than the positions: per account, and per counterparty.
                foreach (var e in entries) Assert.InRange(plan.Where(p => p.Transfer.AccountId == e.AccountId).Sum(p => p.Transfer.Size), 0, e.Size);
                foreach (var c in shorts)
                    Assert.InRange(plan.Where(p => p.Transfer.CounterpartyId == c.AccountId).Sum(p => p.Transfer.Size), 0, -c.Size);
            });

    [Fact]
    public void The_fee_after_a_batched_slice_never_takes_the_account_below_zero()
    {
        // Long 10 with 3 USD of equity at the mark of 90: sold at 91 it realises 10 USD more, less a 1 bps taker fee on
        // 910 USD (0.091 USD): 12.909 USD left. 50 bps of 910 USD is 4.55 USD: charged in full.
        var entry = new BackstopEntry(1, 1, 10, 90, Equity: 3 * Unit);
        Assert.Equal(4_550_000, BackstopPlanner.FeeAfterFills(entry, 90, Unit, 1, 50, [(91, 10)]));
        // Sold at 89 it loses 10 USD against the mark: 3 - 10 - 0.089 < 0, so no fee at all.
        Assert.Equal(0, BackstopPlanner.FeeAfterFills(entry, 90, Unit, 1, 50, [(89, 10)]));
        // Part at 90 and part at 91: 3 + 5 - 0.0905 = 7.9095 USD left; 50 bps of 905 USD = 4.525 USD, charged in full.
        Assert.Equal(4_525_000, BackstopPlanner.FeeAfterFills(entry, 90, Unit, 1, 50, [(90, 5), (91, 5)]));
        // With 1 USD left after the fills, the fee is that 1 USD (the cap), not 50 bps.
        var thin = entry with { Equity = -9 * Unit + 91_000 };
        Assert.Equal(1 * Unit, BackstopPlanner.FeeAfterFills(thin, 90, Unit, 1, 50, [(91, 10)]));
    }

    [Fact]
    public void A_candidate_is_reduced_by_what_was_deleveraged_against_it_after_its_report()
    {
        var candidate = new AdlCandidate(50, -20, 1, Cursor: 100);
        Assert.Equal(-20, candidate.Less([(90, 5), (100, 3)]).Size);
        Assert.Equal(-12, candidate.Less([(101, 5), (150, 3)]).Size);
        Assert.Equal(0, candidate.Less([(101, 50)]).Size);
    }

    [Fact]
    public void The_fund_within_its_cap_is_left_alone()
    {
        // Short 10 with the mark at 120, losing 20 USD, worth 80: without that loss 100, so its cap is 20 USD, reached, not passed.
        var fund = new FundHolding(-10, 40, -20 * Unit, 80 * Unit, 120);
        Assert.False(BackstopPlanner.FundPastCap(fund, Rules));
        Assert.Empty(BackstopPlanner.DeleverageFund(fund, Unit, 1, 1_000, Rules, [new AdlCandidate(50, 10, 1)]));
        Assert.False(BackstopPlanner.FundPastCap(fund with { Size = 0 }, Rules), "nothing held, nothing to close");
    }

    [Fact]
    public void The_fund_past_its_cap_is_deleveraged_whole_at_the_price_where_its_loss_is_the_cap()
    {
        // Short 10 with the mark at 120, losing 30 USD (entry 117), worth 70: its cap is 20% of 100 = 20 USD. Bought back
        // at 119 it loses (119 - 117) x 10 = 20 USD. The longs take it in rank order; a short and the fund itself are no
        // counterparties.
        var fund = new FundHolding(-10, 40, -30 * Unit, 70 * Unit, 120);
        AdlCandidate[] ranked = [new(60, -5, 999), new(Fund, 8, 998), new(50, 6, 900), new(51, 100, 100)];
        Assert.True(BackstopPlanner.FundPastCap(fund, Rules));
        Assert.Equal(
        [
            new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, Fund, 50, Side.Buy, 119, 6), 40),
            new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, Fund, 51, Side.Buy, 119, 4), 40),
        ], BackstopPlanner.DeleverageFund(fund, Unit, 1, 1_000, Rules, ranked));

        // Losing 35 USD (entry 116.5), worth 65: the cap's price is 118.5, rounded to 118 in the fund's favour (it loses 15).
        Assert.Equal(118, BackstopPlanner.DeleverageFund(fund with { UnrealisedPnl = -35 * Unit, Equity = 65 * Unit }, Unit, 1, 1_000,
            Rules, ranked).Select(p => p.Transfer.Price).Distinct().Single());

        // A long 10 with the mark at 80, losing 30 USD (entry 83): sold at 81 to the shorts; what they cannot take stays.
        var plan = BackstopPlanner.DeleverageFund(new FundHolding(10, 41, -30 * Unit, 70 * Unit, 80), Unit, 1, 1_000, Rules,
            [new AdlCandidate(60, -3, 5), new AdlCandidate(61, 4, 9)]);
        Assert.Equal([new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, Fund, 60, Side.Sell, 81, 3), 41)], plan);
    }

    [Fact]
    public void What_the_fund_realised_in_the_market_counts_against_its_cap()
    {
        // Short 10 with the mark at 120 losing 20 USD (entry 118), after realising -10 USD here before; worth 70: without
        // the 30 USD lost here, 100, so its cap is 20 USD, passed. The position may lose only the 10 USD left: bought back
        // at 119, where it loses (119 - 118) x 10 = 10 USD.
        var fund = new FundHolding(-10, 40, -20 * Unit, 70 * Unit, 120, RealisedPnl: -10 * Unit);
        Assert.True(BackstopPlanner.FundPastCap(fund, Rules));
        var plan = BackstopPlanner.DeleverageFund(fund, Unit, 1, 1_000, Rules, [new AdlCandidate(50, 10, 1)]);
        Assert.Equal([new PlannedTransfer(new PositionTransfer(PositionTransferKind.Deleverage, Fund, 50, Side.Buy, 119, 10), 40)], plan);

        // Realised beyond its cap already: the position closes where it loses nothing (its entry, 118), never at a gain.
        var spent = fund with { RealisedPnl = -30 * Unit, Equity = 50 * Unit };
        Assert.Equal(118, BackstopPlanner.DeleverageFund(spent, Unit, 1, 1_000, Rules, [new AdlCandidate(50, 10, 1)]).Single().Transfer.Price);
        // A position in profit is never deleveraged, whatever was realised before.
        Assert.False(BackstopPlanner.FundPastCap(spent with { UnrealisedPnl = 5 * Unit }, Rules));
        // And takeovers count it too: the loss so far (50 USD) is beyond what 20% of 50 USD allows.
        Assert.Equal(0, LiquidationPolicy.FundTakeover(10, 92, 90, Unit, 50 * Unit, Rules, lossSoFar: spent.Loss));
    }

    [Fact]
    public void The_fund_deleveraged_past_its_cap_loses_at_most_its_cap_and_less_than_a_tick_more_than_the_price_grants()
    {
        Gen.Select(Gen.Long[-50, 50].Where(s => s != 0), Gen.Long[200, 800], Gen.Long[-400, 400], Gen.Long[0, 2_000], Gen.Int[0, 10_000])
            .Sample((size, mark, entry, equityUsd, capBps) =>
            {
                // The fund holds size lots from mark + entry / 10 (tenths of a tick: entries need not be ticks).
                var pnl = -size * entry * Unit / 10;
                var rules = Rules with { FundLossCapBps = capBps };
                var fund = new FundHolding(size, 1, pnl, equityUsd * Unit + pnl, mark);
                var plan = BackstopPlanner.DeleverageFund(fund, Unit, 1, 10_000, rules, [new AdlCandidate(7, -Math.Sign(size) * 1_000, 1)]);
                var allowed = (equityUsd * Unit) * capBps / 10_000;
                if (-pnl <= allowed) { Assert.Empty(plan); return; }
                var t = Assert.Single(plan).Transfer;
                Assert.Equal(Math.Abs(size), t.Size);
                // The fund's loss closing at the price: its loss at the mark less what the price gives back against the mark.
                var loss = -pnl - (size > 0 ? t.Price - mark : mark - t.Price) * Math.Abs(size) * Unit;
                Assert.InRange(loss, allowed - Math.Abs(size) * Unit + 1, allowed);
            });
    }

    [Fact]
    public void The_risk_view_describes_an_account_fully_only_without_orders_and_with_a_cursor()
    {
        var book = new RiskBook();
        book.SetMark("A", 100, AccountTestData.Flat10);
        book.SetMark("B", 100, AccountTestData.Flat10);
        // Long 10 at 100 in A and long 20 at 100 in B with 10 USD: at marks 95 and 100, equity 10 - 50 = -40 USD; B's
        // maintenance (100 USD) is the largest, so B is where it is closed; bankruptcy there: 100 - (-40) / 20 = 102.
        book.Report(new AccountRisk(1, 1, 10 * Unit,
            [new HeldPosition("A", 10, 1_000 * Unit, Unit, Cursor: 4), new HeldPosition("B", 20, 2_000 * Unit, Unit, Cursor: 9)]));
        book.SetMark("A", 95, AccountTestData.Flat10);
        Assert.Equal(("B", 100L, Unit, new BackstopEntry(1, 9, 20, 102, -40 * Unit)), book.BackstopOf(1)!.Value);

        // With an order working, the account cancels first itself; with no cursor known, the view cannot name the step.
        Assert.False(book.Report(new AccountRisk(1, 2, 10 * Unit,
            [new HeldPosition("A", 10, 1_000 * Unit, Unit, Cursor: 4), new HeldPosition("B", 20, 2_000 * Unit, Unit, Cursor: 9)], HasOpenOrders: true)));
        Assert.Null(book.BackstopOf(1));
        book.Report(new AccountRisk(1, 3, 10 * Unit, [new HeldPosition("A", 10, 1_000 * Unit, Unit), new HeldPosition("B", 20, 2_000 * Unit, Unit)]));
        Assert.Null(book.BackstopOf(1));

        // A changed position is news (the shard says it again); an account not under is not described at all.
        Assert.True(book.Report(new AccountRisk(1, 4, 1_000 * Unit, [new HeldPosition("A", 10, 1_000 * Unit, Unit, Cursor: 12)])));
        Assert.Null(book.BackstopOf(1));
    }
}
