using CsCheck;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Accounts;

namespace Exchange.Tests.Risk;

/// <summary>The risk view's scan against valuing each account on its own, on random accounts in two markets.</summary>
public sealed class RiskBookTests
{
    private const long Unit = 1_000_000;

    [Fact]
    public void A_scan_finds_exactly_the_accounts_under_maintenance_at_every_market_they_hold() =>
        Gen.Select(Gen.Select(Gen.Long[0, 300], Gen.Long[-20, 20], Gen.Long[80, 120], Gen.Long[-20, 20], Gen.Long[80, 120]).Array[1, 60],
                Gen.Long[60, 140], Gen.Long[60, 140])
            .Sample((accounts, markA, markB) =>
            {
                var book = new RiskBook();
                book.SetMark("A", 100, AccountTestData.Flat10);
                book.SetMark("B", 100, AccountTestData.Flat10);
                var expected = new List<long>();
                for (var i = 0; i < accounts.Length; i++)
                {
                    var (collateral, sizeA, entryA, sizeB, entryB) = accounts[i];
                    var positions = new List<HeldPosition>();
                    if (sizeA != 0) positions.Add(new HeldPosition("A", sizeA, sizeA * entryA * Unit, Unit));
                    if (sizeB != 0) positions.Add(new HeldPosition("B", sizeB, sizeB * entryB * Unit, Unit));
                    book.Report(new AccountRisk(i + 1, 1, collateral * Unit, [.. positions]));
                    PositionRisk[] risks = [new(sizeA, sizeA * entryA * Unit, markA, Unit, AccountTestData.Flat10),
                        new(sizeB, sizeB * entryB * Unit, markB, Unit, AccountTestData.Flat10)];
                    if (sizeA != 0 && LiquidationPolicy.IsUnderMaintenance(collateral * Unit, risks)) expected.Add(i + 1);
                }
                book.SetMark("B", markB, AccountTestData.Flat10);
                book.SetMark("A", markA, AccountTestData.Flat10);
                Assert.Equal(expected, book.Scan("A"));
            });

    /// <summary>
    /// The count of accounts under maintenance is kept up by reports between marks: after any mix of reports (new
    /// accounts, changed and stale versions) and mark moves, it equals valuing every account again.
    /// </summary>
    [Fact]
    public void The_count_under_maintenance_follows_reports_and_marks() =>
        Gen.Select(Gen.Int[1, 12], Gen.Long[0, 300], Gen.Long[-20, 20], Gen.Long[-20, 20], Gen.Long[60, 140], Gen.Int[0, 3])
            .Array[1, 80]
            .Sample(steps =>
            {
                var book = new RiskBook();
                book.SetMark("A", 100, AccountTestData.Flat10);
                book.SetMark("B", 100, AccountTestData.Flat10);
                var version = 0L;
                foreach (var (account, collateral, sizeA, sizeB, mark, kind) in steps)
                {
                    if (kind == 0) book.SetMark(account % 2 == 0 ? "A" : "B", mark, AccountTestData.Flat10);
                    else
                    {
                        var positions = new List<HeldPosition>();
                        if (sizeA != 0) positions.Add(new HeldPosition("A", sizeA, sizeA * 100 * Unit, Unit));
                        if (sizeB != 0) positions.Add(new HeldPosition("B", sizeB, sizeB * 100 * Unit, Unit));
                        // One report in three comes with an old version and must change nothing.
                        book.Report(new AccountRisk(account, kind == 3 ? 0 : ++version, collateral * Unit, [.. positions]));
                    }
                    Assert.Equal(book.Under().Count, book.UnderNow());
                }
            });

    [Fact]
    public void An_older_report_never_replaces_a_newer_one()
    {
        var book = new RiskBook();
        book.SetMark("A", 100, AccountTestData.Flat10);
        book.Report(new AccountRisk(1, 5, 1 * Unit, [new HeldPosition("A", 10, 1_000 * Unit, Unit)])); // under: 1 < 50
        book.Report(new AccountRisk(1, 4, 1_000 * Unit, [new HeldPosition("A", 10, 1_000 * Unit, Unit)]));
        Assert.Equal([1L], book.Scan("A"));
        book.Report(new AccountRisk(1, 6, 1_000 * Unit, [new HeldPosition("A", 10, 1_000 * Unit, Unit)]));
        Assert.Empty(book.Scan("A"));
    }

    [Fact]
    public void Deleveraging_candidates_are_profitable_opposite_positions_ranked_by_profit_times_leverage()
    {
        var book = new RiskBook();
        book.SetMark("A", 90, AccountTestData.Flat10);
        // Shorts from 100 at mark 90: each 10% in profit per unit of cost; leverage = notional / equity.
        book.Report(new AccountRisk(1, 1, 100 * Unit, [new HeldPosition("A", -10, -1_000 * Unit, Unit)]));  // equity 200, leverage 4.5
        book.Report(new AccountRisk(2, 1, 800 * Unit, [new HeldPosition("A", -10, -1_000 * Unit, Unit)]));  // equity 900, leverage 1
        book.Report(new AccountRisk(3, 1, 100 * Unit, [new HeldPosition("A", -10, -850 * Unit, Unit)]));    // in loss: never
        book.Report(new AccountRisk(4, 1, 100 * Unit, [new HeldPosition("A", 10, 1_000 * Unit, Unit)]));    // a long: other side
        var ranked = book.DeleverageCandidates("A", Side.Sell, excludeAccountId: 0, max: 10);
        Assert.Equal([1L, 2L], ranked.Select(c => c.AccountId));
        Assert.Empty(book.DeleverageCandidates("A", Side.Sell, excludeAccountId: 0, max: 0));
    }
}
