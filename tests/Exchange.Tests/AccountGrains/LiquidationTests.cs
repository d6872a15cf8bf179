using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// A liquidation end to end on a two-silo cluster over real PostgreSQL: a mark below a leveraged long's bankruptcy
/// price; the risk view finds it, the account closes what the book takes at or above the bankruptcy price, the fund
/// takes what its cap allows, and the rest is deleveraged against the profitable short, exactly as much as is left.
/// Money is conserved to the unit and positions net to zero.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LiquidationTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "L")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_bankrupt_long_is_closed_through_the_book_then_the_capped_fund_then_minimal_deleveraging()
    {
        const long shortMaker = 1, victim = 2, bidder = 3, fund = 900;
        await Account(shortMaker).Deposit(1_000 * Usd, "d1");
        await Account(victim).Deposit(60 * Usd, "d2");
        await Account(bidder).Deposit(1_000 * Usd, "d3");
        await Account(fund).Deposit(10 * Usd, "d900");
        var rules = new LiquidationRules(fund, FeeBps: 50, SliceLots: 1_000_000, CooldownMs: 0, FundLossCapBps: 2_000);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(rules))).Status);

        // The victim goes long 1,000 lots at 1,000 (500 USD of notional, 10x) against the short maker.
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        Assert.True((await Account(victim).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "buy"))).IsAccepted());
        // Bids that can absorb 400 lots at 885, above where the victim will be bankrupt.
        Assert.True((await Account(bidder).PlaceOrder(Symbol, Limit(Side.Buy, 885, 400, "bid"))).IsAccepted());
        Assert.Equal(0, (await Account(victim).GetView()).MarginRatioPpm / 1_000_000);

        // The mark gaps to 870: the victim's equity is 59.75 - 65 = -5.25 USD, below zero.
        await Market.SetMarkPrice(870);
        var after = await Eventually(async () =>
        {
            var view = await Account(victim).GetView();
            Require(view.PositionIn(Symbol) == 0 && !view.Liquidating, $"victim still holds {view.PositionIn(Symbol)} lots");
            return view;
        }, Deadline);

        var events = await JournalEvents();
        var book = events.Where(e => e.Kind == EventKind.TradeExecuted && e.AccountId == victim && e.Side == Side.Sell).ToList();
        var takenOver = events.Where(e => e.Kind == EventKind.PositionTakenOver).ToList();
        var deleveraged = events.Where(e => e.Kind == EventKind.PositionDeleveraged).ToList();
        Assert.Equal(400, book.Sum(e => e.Size));
        Assert.All(book, e => Assert.Equal(885, e.Price));
        Assert.All(takenOver, e => Assert.Equal((victim, fund, Side.Sell), (e.AccountId, e.MakerAccountId, e.Side)));
        Assert.All(deleveraged, e => Assert.Equal((victim, shortMaker, Side.Sell), (e.AccountId, e.MakerAccountId, e.Side)));
        var fundLots = takenOver.Sum(e => e.Size);
        var adlLots = deleveraged.Sum(e => e.Size);
        // Deleveraging closed exactly what neither the book nor the fund took: not one lot more.
        Assert.Equal(1_000 - 400 - fundLots, adlLots);
        Assert.True(adlLots > 0, "the fund's 2 USD cap cannot take 600 lots bankrupt below the mark: deleveraging must fire");
        // The fund lost at most 20% of its 10 USD on the takeover: (bankruptcy - mark) x lots x 0.0005 USD <= 2 USD.
        var bankruptcy = Assert.Single(takenOver.Concat(deleveraged).Select(e => e.Price).Distinct());
        Assert.InRange((bankruptcy - 870) * fundLots * NotionalPerTickLot, 0, 2 * Usd);

        // The victim ends at zero or above; the trade feed marks the liquidation; money and positions balance.
        Assert.InRange(after.Equity, 0, long.MaxValue);
        Assert.Contains(await Market.GetRecentTrades(10), t => t.Liquidation && t.Price == 885);
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
        Assert.Equal(0, audit.BadDebt);
    }

    [Fact]
    public async Task The_fund_is_deleveraged_once_the_price_runs_its_loss_past_the_cap_and_loses_no_more_than_the_cap()
    {
        const long shortMaker = 6, victim = 7, fund = 902;
        await Account(shortMaker).Deposit(1_000 * Usd, "d6");
        await Account(victim).Deposit(60 * Usd, "d7");
        await Account(fund).Deposit(100 * Usd, "d902");
        var rules = new LiquidationRules(fund, FeeBps: 50, SliceLots: 1_000_000, CooldownMs: 0, FundLossCapBps: 2_000);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(rules))).Status);
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        Assert.True((await Account(victim).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "buy"))).IsAccepted());
        var liquidator = Cluster.Client.GetGrain<ILiquidatorGrain>(Symbol);

        // 870 bankrupts the long (bankruptcy 881) into an empty book: the fund takes all of it, losing 5.5 USD at the
        // mark, well within its cap of 20% of 100 USD.
        await Market.SetMarkPrice(870);
        await Eventually(async () =>
        {
            Require((await Account(fund).GetView()).PositionIn(Symbol) == 1_000, "the fund has not taken the long over yet");
            return true;
        }, Deadline);
        // At 850 it loses 15.5 USD: within the cap; the liquidator checks and leaves it.
        var checks = (await liquidator.Stats()).FundChecks;
        await Market.SetMarkPrice(850);
        await Eventually(async () =>
        {
            Require((await liquidator.Stats()).FundChecks > checks, "the liquidator has not checked the fund at 850 yet");
            return true;
        }, Deadline);
        Assert.DoesNotContain(await JournalEvents(), e => e.Kind == EventKind.PositionDeleveraged);

        // At 830 it would lose 25.5 USD, past its 20 USD cap (no account is under any more): the fund's long is deleveraged
        // whole against the profitable short at 841, where it loses (881 - 841) x 1,000 x 0.0005 = 20 USD, its cap exactly.
        await Market.SetMarkPrice(830);
        var after = await Eventually(async () =>
        {
            var view = await Account(fund).GetView();
            Require(view.PositionIn(Symbol) == 0, $"the fund still holds {view.PositionIn(Symbol)} lots");
            return view;
        }, Deadline);
        var deleveraged = Assert.Single(await JournalEvents(), e => e.Kind == EventKind.PositionDeleveraged);
        Assert.Equal((fund, shortMaker, Side.Sell, 841L, 1_000L),
            (deleveraged.AccountId, deleveraged.MakerAccountId, deleveraged.Side, deleveraged.Price, deleveraged.Size));
        Assert.Equal(80 * Usd, after.Collateral);
        Assert.Equal(1_000, (await liquidator.Stats()).FundDeleveraged);
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
        Assert.Equal(0, audit.BadDebt);
    }

    [Fact]
    public async Task A_takeover_decided_before_the_account_moved_is_refused_and_changes_nothing()
    {
        const long seller = 4, buyer = 5, fund = 901;
        await Account(seller).Deposit(1_000 * Usd, "d4");
        await Account(buyer).Deposit(1_000 * Usd, "d5");
        await Account(fund).Deposit(10 * Usd, "d901");
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(new LiquidationRules(fund)))).Status);
        Assert.True((await Account(seller).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 10, "s"))).IsAccepted());
        Assert.True((await Account(buyer).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 10, "b"))).IsAccepted());
        var cursor = (await Account(buyer).GetView()).Positions.Single(p => p.Symbol == Symbol).SettledSequence;

        // Decided at a cursor before the buyer's fill: the market refuses it without running it.
        var stale = await Market.Execute(new TransferPositionCommand(
            new PositionTransfer(PositionTransferKind.Takeover, buyer, fund, Side.Sell, 1_000, 10), AccountCursor: cursor - 1));
        Assert.Equal(CommandStatus.Failed, stale.Status);
        Assert.Equal(10, (await Account(buyer).GetView()).PositionIn(Symbol));

        // Decided at the account's current cursor it runs, once: sent again, it finds the account moved by itself.
        var takeover = new TransferPositionCommand(new PositionTransfer(PositionTransferKind.Takeover, buyer, fund, Side.Sell, 1_000, 10), cursor);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(takeover)).Status);
        Assert.Equal(CommandStatus.Failed, (await Market.Execute(takeover)).Status);
        // Both parties learn the takeover from the market's one-way push, each in its own time.
        await Eventually(async () =>
        {
            Require((await Account(buyer).GetView()).PositionIn(Symbol) == 0, "the takeover has not reached the buyer yet");
            Require((await Account(fund).GetView()).PositionIn(Symbol) == 10, "the takeover has not reached the fund yet");
            return true;
        }, Deadline);
    }
}
