using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// The incidents of the risk reference as tests, on a two-silo cluster over real PostgreSQL, judged only by what the venue
/// shows afterwards (journal, account views, the audit), never by how the liquidation engine gets there: a thin market
/// squeezed into its fund (the cap holds, deleveraging closes exactly the rest, another market is untouched); unrealised
/// profit withdrawn just before a liquidation; a cascade into a book whose depth collapses; a liquidation interrupted by the
/// death of the silo of the account, of the market or of the risk shard; funding across the death of the market's silo.
/// (Test market: tick 0.5, lot 0.001, so one lot at one tick is 500 micro-USD; 10% initial, 5% maintenance margin.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LiquidationIncidentTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "LI")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_thin_market_squeezed_into_its_fund_keeps_the_cap_deleverages_exactly_the_rest_and_leaves_another_market_alone()
    {
        const long shortMaker = 1, victim = 2, bidder = 3, fund = 900, otherLong = 11, otherShort = 12, otherFund = 950;
        var other = MarketTestData.NewSymbol("LO");
        await Cluster.CreateMarket(other);
        foreach (var (id, usd) in new[] { (shortMaker, 1_000L), (victim, 60L), (bidder, 1_000L), (fund, 10L), (otherLong, 1_000L),
                     (otherShort, 1_000L), (otherFund, 10L) })
            await Account(id).Deposit(usd * Usd, $"d{id}");
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(
            new LiquidationRules(fund, FeeBps: 50, SliceLots: 1_000_000, CooldownMs: 0, FundLossCapBps: 2_000)))).Status);
        var otherMarket = Cluster.Market(other);
        Assert.Equal(CommandStatus.Committed, (await otherMarket.Execute(new SetLiquidationRulesCommand(new LiquidationRules(otherFund)))).Status);

        // The other market: a position each way and a resting order each side.
        Assert.True((await Account(otherShort).PlaceOrder(other, Limit(Side.Sell, 1_000, 50, "os"))).IsAccepted());
        Assert.True((await Account(otherLong).PlaceOrder(other, Limit(Side.Buy, 1_000, 50, "ol"))).IsAccepted());
        Assert.True((await Account(otherLong).PlaceOrder(other, Limit(Side.Buy, 990, 20, "olb"))).IsAccepted());
        Assert.True((await Account(otherShort).PlaceOrder(other, Limit(Side.Sell, 1_010, 20, "osa"))).IsAccepted());
        var otherBefore = await OtherMarketState(otherMarket, otherLong, otherShort, otherFund);

        // The thin market: the victim long 1,000 lots at 1,000 on 60 USD (about 8x), bids for only 400 lots at 885.
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        Assert.True((await Account(victim).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "buy"))).IsAccepted());
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 885, 400, "bid"))).IsAccepted());
        var fundBefore = await Account(fund).GetView();

        // The mark gaps to 870, below the victim's bankruptcy price: the book, then the fund up to its cap, then deleveraging.
        await Market.SetMarkPrice(870);
        await Eventually(async () =>
        {
            var view = await Account(victim).GetView();
            Require(view.PositionIn(Symbol) == 0 && !view.Liquidating, $"victim still holds {view.PositionIn(Symbol)} lots");
            return view;
        }, Deadline);

        var events = await JournalEvents();
        var book = events.Where(e => e.Kind == EventKind.TradeExecuted && e.AccountId == victim && e.Side == Side.Sell).Sum(e => e.Size);
        var takenOver = events.Where(e => e.Kind == EventKind.PositionTakenOver).ToList();
        var deleveraged = events.Where(e => e.Kind == EventKind.PositionDeleveraged).ToList();
        Assert.Equal(400, book);
        var fundLots = takenOver.Sum(e => e.Size);
        var adlLots = deleveraged.Sum(e => e.Size);
        Assert.True(adlLots > 0, "a fund of 10 USD capped at 20% cannot take 600 lots bankrupt below the mark: deleveraging must fire");
        Assert.Equal(1_000 - book - fundLots, adlLots); // exactly the remaining shortfall, not one lot more
        // The cap: the fund's loss at the mark on what it took is at most 20% of its equity before.
        var fundLoss = takenOver.Sum(e => (e.Price - 870) * e.Size * NotionalPerTickLot);
        Assert.InRange(fundLoss, 0, fundBefore.Equity / 5);

        // The other market: its book, its accounts and its fund exactly as before; no liquidation step in its journal.
        Assert.Equal(otherBefore, await OtherMarketState(otherMarket, otherLong, otherShort, otherFund));
        Assert.DoesNotContain(await JournalEvents(other), e => e.Kind is EventKind.PositionTakenOver or EventKind.PositionDeleveraged
            or EventKind.LiquidationFeeCharged || (e.Flags & OrderFlags.Liquidation) != 0);
        await AssertNoUnpaidNegativeEquity([shortMaker, victim, bidder, fund, otherLong, otherShort, otherFund]);
    }

    [Fact]
    public async Task Unrealised_profit_cannot_be_withdrawn_before_the_liquidation_that_follows()
    {
        const long whale = 4, maker = 5, bidder = 6, fund = 901;
        await Account(whale).Deposit(60 * Usd, "dw");
        await Account(maker).Deposit(1_000 * Usd, "dm");
        await Account(bidder).Deposit(1_000 * Usd, "db");
        await Account(fund).Deposit(100 * Usd, "df");
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(
            new LiquidationRules(fund, CooldownMs: 0)))).Status);
        Assert.True((await Account(maker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        Assert.True((await Account(whale).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "buy"))).IsAccepted());

        // The mark is pushed to 1,100: 50 USD of unrealised profit on 59.75 USD of collateral.
        await Market.SetMarkPrice(1_100);
        var rich = await Account(whale).GetView();
        Assert.True(rich.Equity > rich.Collateral + 49 * Usd, $"equity {rich.Equity}, collateral {rich.Collateral}");
        // The profit, or any part of collateral that margin needs, is not withdrawable; what stays covers the position.
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(whale).Withdraw(rich.Collateral + 10 * Usd, "w-profit")).Reject);
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(whale).Withdraw(rich.Collateral, "w-all")).Reject);
        var free = rich.Collateral - Math.Max(rich.InitialMargin, 1_000 * 1_100 * NotionalPerTickLot / 10);
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(whale).Withdraw(free + 1, "w-free-plus-one")).Reject);
        var kept = rich.Collateral;
        if (free > 0)
        {
            Assert.Equal(AccountReject.None, (await Account(whale).Withdraw(free, "w-free")).Reject);
            kept -= free;
        }
        Assert.Equal(kept, (await Account(whale).GetView()).Collateral);

        // The mark falls back through the entry: the whale is liquidated into bids that are there, and the venue is not short
        // (had the profit left, its collateral would not cover the fall and the venue would carry the loss as bad debt).
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 925, 1_000, "bid"))).IsAccepted());
        await Market.SetMarkPrice(920);
        await Eventually(async () =>
        {
            var view = await Account(whale).GetView();
            Require(view.PositionIn(Symbol) == 0 && !view.Liquidating, $"whale still holds {view.PositionIn(Symbol)} lots");
            return view;
        }, Deadline);
        await AssertNoUnpaidNegativeEquity([whale, maker, bidder, fund]);
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.Equal(0, audit.BadDebt);
    }

    [Fact]
    public async Task A_cascade_into_collapsing_depth_leaves_no_unpaid_negative_equity_and_deleverages_only_the_shortfall()
    {
        const long shortMaker = 7, bidder = 8, fund = 902;
        long[] victims = [21, 22, 23];
        await Account(shortMaker).Deposit(10_000 * Usd, "dsm");
        await Account(bidder).Deposit(1_000 * Usd, "dbid");
        await Account(fund).Deposit(20 * Usd, "dfund");
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(
            new LiquidationRules(fund, FeeBps: 50, SliceLots: 300, CooldownMs: 0, FundLossCapBps: 2_000)))).Status);
        // Three longs at 1,000 of 1,000 lots each, on 60, 70 and 80 USD.
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 3_000, "ask"))).IsAccepted());
        for (var i = 0; i < victims.Length; i++)
        {
            await Account(victims[i]).Deposit((60 + 10 * i) * Usd, $"dv{i}");
            Assert.True((await Account(victims[i]).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, $"v{i}"))).IsAccepted());
        }
        // Depth that collapses: bids at three levels, the upper two pulled just before the mark falls.
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 930, 500, "b1"))).IsAccepted());
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 910, 500, "b2"))).IsAccepted());
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 860, 300, "b3"))).IsAccepted());
        Assert.Equal(AccountReject.None, (await Account(bidder).CancelOrder(Symbol, new CancelOrder(0, 0, "b1"))).Reject);
        Assert.Equal(AccountReject.None, (await Account(bidder).CancelOrder(Symbol, new CancelOrder(0, 0, "b2"))).Reject);

        await Market.SetMarkPrice(880);
        await Eventually(async () =>
        {
            foreach (var v in victims)
            {
                var view = await Account(v).GetView();
                Require(!view.Liquidating && (view.PositionIn(Symbol) == 0 || view.MaintenanceMargin <= view.Equity),
                    $"victim {v} still under maintenance with {view.PositionIn(Symbol)} lots");
            }
            return true;
        }, Deadline);

        var events = await JournalEvents();
        foreach (var v in victims)
        {
            var closedInBook = events.Where(e => e.Kind == EventKind.TradeExecuted && e.AccountId == v && e.Side == Side.Sell).Sum(e => e.Size);
            var toFund = events.Where(e => e.Kind == EventKind.PositionTakenOver && e.AccountId == v).Sum(e => e.Size);
            var adl = events.Where(e => e.Kind == EventKind.PositionDeleveraged && e.AccountId == v).Sum(e => e.Size);
            var left = (await Account(v).GetView()).PositionIn(Symbol);
            // Nothing closed twice: what the book, the fund and deleveraging took, plus what is left, is the position.
            Assert.Equal(1_000, closedInBook + toFund + adl + left);
            // Deleveraging only after the book and the fund, for no more than what they left.
            if (adl > 0) Assert.Equal(0, left);
            Assert.All(events.Where(e => e.Kind == EventKind.PositionDeleveraged && e.AccountId == v), e => Assert.Equal(shortMaker, e.MakerAccountId));
        }
        await AssertNoUnpaidNegativeEquity([shortMaker, bidder, fund, .. victims]);
    }

    public static TheoryData<string> Victims => new("account", "market", "risk shard");

    /// <summary>
    /// The death of the silo of the liquidated account, of its market or of its risk shard mid-way (with two silos,
    /// usually two or three of them at once). A risk shard that starts again asks the markets for their marks, and its
    /// timer tells an account still under to check itself, so the liquidation resumes without a new price.
    /// </summary>
    [Theory]
    [MemberData(nameof(Victims))]
    public async Task A_liquidation_interrupted_by_a_silo_s_death_resumes_without_closing_twice_or_charging_a_fee_twice(string whose)
    {
        const long shortMaker = 31, victim = 32, bidder = 33, fund = 903;
        await Account(shortMaker).Deposit(1_000 * Usd, "dsm");
        await Account(victim).Deposit(60 * Usd, "dv");
        await Account(bidder).Deposit(1_000 * Usd, "db");
        await Account(fund).Deposit(100 * Usd, "df");
        // Slices of 200 lots, 2 s apart: the liquidation is under way for several seconds.
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(
            new LiquidationRules(fund, FeeBps: 50, SliceLots: 200, CooldownMs: 2_000, FundLossCapBps: 2_000)))).Status);
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        Assert.True((await Account(victim).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "buy"))).IsAccepted());
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 885, 1_000, "bid"))).IsAccepted());

        // Below the bankruptcy price (about 881): each slice sold at 885 improves the account a little, never enough.
        await Market.SetMarkPrice(870);
        await Eventually(async () =>
        {
            var sold = (await JournalEvents()).Where(e => e.Kind == EventKind.TradeExecuted && e.AccountId == victim && e.Side == Side.Sell).Sum(e => e.Size);
            Require(sold > 0, "no slice traded yet");
            Require(sold < 1_000, "the liquidation finished before the silo could be stopped");
            return sold;
        }, Deadline);
        var shard = Cluster.Client.GetGrain<IRiskShardGrain>(victim % new RiskOptions().Shards);
        IAddressable grain = whose switch
        {
            "account" => Account(victim),
            "market" => Market,
            _ => shard,
        };
        var dying = await Cluster.SiloHosting(grain);
        // With two silos the others may share the dying silo: say which did, for whoever reads a failure.
        var alsoOnIt = string.Join(", ", (await Task.WhenAll(new (string Name, IAddressable Grain)[] { ("account", Account(victim)), ("market", Market), ("risk shard", shard) }
            .Select(async g => (g.Name, Silo: await Cluster.SiloHosting(g.Grain))))).Where(g => g.Silo == dying).Select(g => g.Name));
        await Cluster.Cluster.KillSiloAsync(dying);

        await Eventually(async () =>
        {
            var view = await Account(victim).GetView();
            Require(view.PositionIn(Symbol) == 0 && !view.Liquidating,
                $"victim still holds {view.PositionIn(Symbol)} lots after the {whose}'s silo died (it hosted: {alsoOnIt})");
            return view;
        }, Deadline);

        var events = await JournalEvents();
        var liquidationTrades = events.Where(e => e.Kind == EventKind.TradeExecuted && e.AccountId == victim && e.Side == Side.Sell).ToList();
        var toFund = events.Where(e => e.Kind == EventKind.PositionTakenOver && e.AccountId == victim).Sum(e => e.Size);
        var adl = events.Where(e => e.Kind == EventKind.PositionDeleveraged && e.AccountId == victim).Sum(e => e.Size);
        // Never closed twice: what was closed is exactly the position, the victim never turned short.
        Assert.Equal(1_000, liquidationTrades.Sum(e => e.Size) + toFund + adl);
        Assert.Equal(0, (await Account(victim).GetView()).PositionIn(Symbol));
        // Never charged twice: at most one fee per liquidation order that traded, none above its rate on what it traded.
        var fees = events.Where(e => e.Kind == EventKind.LiquidationFeeCharged && e.AccountId == victim).ToList();
        var orders = liquidationTrades.GroupBy(e => e.OrderId).ToList();
        Assert.True(fees.Count <= orders.Count, $"{fees.Count} fees for {orders.Count} liquidation orders that traded");
        var maxFee = orders.Sum(o => Money.Fee(o.Sum(e => e.Price * e.Size * NotionalPerTickLot), 50));
        Assert.InRange(fees.Sum(e => e.Size), 0, maxFee);
        await AssertNoUnpaidNegativeEquity([shortMaker, victim, bidder, fund]);
    }

    [Fact]
    public async Task Funding_across_the_death_of_the_market_s_silo_is_paid_exactly_once()
    {
        const long longTrader = 41, shortTrader = 42;
        await Account(longTrader).Deposit(1_000 * Usd, "dl");
        await Account(shortTrader).Deposit(1_000 * Usd, "ds");
        Assert.True((await Account(shortTrader).PlaceOrder(Symbol, Limit(Side.Sell, 1_001, 7, "s"))).IsAccepted());
        Assert.True((await Account(longTrader).PlaceOrder(Symbol, Limit(Side.Buy, 1_001, 7, "b"))).IsAccepted());

        // Settled once (interest only, 12 ppm of 3.5035 USD: the long pays 43 micro-USD, the short receives 42), then the
        // market's silo dies before either account has heard of it, and the funding grain asks again for the same interval.
        const long periodEnd = 3_600_000L * 490_001;
        var funding = Cluster.Client.GetGrain<IFundingGrain>(Symbol);
        Assert.Equal(CommandStatus.Committed, (await funding.Settle(periodEnd)).Status);
        await Cluster.Cluster.KillSiloAsync(await Cluster.SiloHosting(Market));
        var again = await funding.Settle(periodEnd);
        Assert.Equal(RejectReason.FundingNotDue, Assert.Single(again.Events).Reject);

        var paid = await Eventually(async () =>
        {
            var views = (await Account(longTrader).GetView(), await Account(shortTrader).GetView());
            Require(views.Item1.FundingPaid != 0 && views.Item2.FundingPaid != 0, "funding not applied yet");
            return (views.Item1.FundingPaid, views.Item2.FundingPaid);
        }, Deadline);
        Assert.Equal((43L, -42L), paid);
        Assert.Single(await JournalEvents(), e => e.Kind == EventKind.FundingApplied);
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
        Assert.Equal(1, audit.FundingKept);
    }

    /// <summary>
    /// Money balances, positions net to zero, and any account below zero is paid for by the bad-debt line: the audit's bad
    /// debt is exactly the sum of the negative equities (so no negative equity is left unrecorded, and none is invented).
    /// </summary>
    private async Task AssertNoUnpaidNegativeEquity(long[] accounts)
    {
        // Every party learns its fills and transfers by its own one-way push: the audit balances once all have.
        var audit = await Eventually(async () =>
        {
            var a = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
            Require(a.Balanced, a.Describe());
            return a;
        }, Deadline);
        long negative = 0;
        foreach (var id in accounts) negative += Math.Max(0, -(await Account(id).GetView()).Equity);
        Assert.Equal(negative, audit.BadDebt);
    }

    private async Task<string> OtherMarketState(IMarketGrain market, params long[] accounts)
    {
        var status = await market.GetStatus();
        var views = new List<string> { $"sequence {status.Sequence}, hash {status.StateHash}, resting {status.RestingOrders}" };
        foreach (var id in accounts)
        {
            var view = await Account(id).GetView();
            views.Add($"{id}: collateral {view.Collateral}, positions {string.Join(",", view.Positions.Select(p => $"{p.Symbol}={p.Size}/{p.Cost}"))}");
        }
        return string.Join("; ", views);
    }
}
