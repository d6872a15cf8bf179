using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Funding on a two-silo cluster over real PostgreSQL: an interval settles once, longs pay shorts at the rate (rounded
/// in the venue's favour, which the audit shows), the schedule is a reminder in PostgreSQL, and asking again for the same
/// interval after the silo of the funding grain died pays nothing twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FundingTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "F")
{
    [Fact]
    public async Task An_interval_is_paid_once_from_longs_to_shorts_even_when_asked_again_after_a_silo_dies()
    {
        const long longTrader = 1, shortTrader = 2;
        await Account(longTrader).Deposit(1_000 * Usd, "d1");
        await Account(shortTrader).Deposit(1_000 * Usd, "d2");
        Assert.True((await Account(shortTrader).PlaceOrder(Symbol, Limit(Side.Sell, 1_001, 7, "s"))).IsAccepted());
        Assert.True((await Account(longTrader).PlaceOrder(Symbol, Limit(Side.Buy, 1_001, 7, "b"))).IsAccepted());
        var before = (await Account(longTrader).GetView(), await Account(shortTrader).GetView());

        // No index: interest only, 0.01% per 8 hours is 12 ppm for one hour (rounded toward zero). 7 lots at 1,001 ticks of
        // 500 micro-USD is 3,503,500 micro-USD; 12 ppm of it is 42.042: the long pays 43, the short receives 42.
        var funding = Cluster.Client.GetGrain<IFundingGrain>(Symbol);
        const long periodEnd = 3_600_000L * 490_000;
        var settled = await funding.Settle(periodEnd);
        Assert.Equal(CommandStatus.Committed, settled.Status);
        var applied = Assert.Single(settled.Events, e => e.Kind == EventKind.FundingApplied);
        Assert.Equal((1_001L, 12L, periodEnd, 3_600_000L), (applied.Price, applied.Size, applied.PreviousPrice, applied.PreviousSize));

        await Cluster.Cluster.KillSiloAsync(await Cluster.SiloHosting(funding));
        var again = await funding.Settle(periodEnd);
        Assert.Equal(RejectReason.FundingNotDue, Assert.Single(again.Events).Reject);

        var after = await Eventually(async () =>
        {
            var views = (await Account(longTrader).GetView(), await Account(shortTrader).GetView());
            Require(views.Item1.FundingPaid != 0 && views.Item2.FundingPaid != 0, "funding not applied yet");
            return views;
        }, TimeSpan.FromSeconds(20));
        Assert.Equal((43L, -42L), (after.Item1.FundingPaid, after.Item2.FundingPaid));
        Assert.Equal((before.Item1.Collateral - 43, before.Item2.Collateral + 42), (after.Item1.Collateral, after.Item2.Collateral));
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
        Assert.Equal(1, audit.FundingKept);
    }

    [Fact]
    public async Task A_market_s_activation_registers_its_funding_reminder_in_postgresql()
    {
        await Market.GetStatus();
        await Eventually(async () =>
        {
            var rows = await Sql.ScalarAsync<long>(Database, "select count(*) from orleansreminderstable where remindername = 'funding'");
            Require(rows >= 1, "no funding reminder registered");
            return rows;
        }, TimeSpan.FromSeconds(20));
    }
}
