using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Risk reports and the markets' pushes to accounts travel one way, and Orleans delivers a message at most once. Each test
/// loses a message the liquidation engine depends on (a call filter drops it in the silo, as the network would) and shows
/// that the liquidation still finishes within seconds, instead of waiting for the periodic refresh that would repair the
/// view in 30 to 60 s while a bankrupt position stays open.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LostMessageLiquidationTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "M")
{
    // Well inside the refreshes (a risk row 30 s after its last report, a quiet account's markets every 60 s).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly MessageLoss _loss = new();

    protected override void ConfigureSilo(IServiceCollection services) => services.AddSingleton<IIncomingGrainCallFilter>(_loss);

    [Fact]
    public async Task A_counterparty_whose_risk_report_was_lost_is_found_for_deleveraging()
    {
        const long shortMaker = 1, victim = 2, fund = 900;
        // Every shard up first: a shard that starts asks the markets who holds positions, which would repair the loss.
        for (var shard = 0; shard < new RiskOptions().Shards; shard++) await Cluster.Client.GetGrain<IRiskShardGrain>(shard).Stats();
        // The first report that gives the short its position never reaches its shard.
        _loss.LoseOnce(c => c.InterfaceMethod?.Name == nameof(IRiskShardGrain.Report)
            && c.Request.GetArgument(0) is AccountRisk { AccountId: shortMaker, Positions.Length: > 0 });
        await Account(shortMaker).Deposit(1_000 * Usd, "d1");
        await Account(victim).Deposit(60 * Usd, "d2");
        await Account(fund).Deposit(1 * Usd, "d900");
        // A fund that can take nothing (its cap is 0.1% of 1 USD): all of the position must be deleveraged.
        var rules = new LiquidationRules(fund, FeeBps: 50, SliceLots: 1_000_000, CooldownMs: 0, FundLossCapBps: 10);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(rules))).Status);
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        Assert.True((await Account(victim).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "buy"))).IsAccepted());
        await Eventually(() =>
        {
            Require(_loss.Lost == 1, "the short's report has not been sent yet");
            return Task.FromResult(true);
        }, Deadline);

        // The mark gaps to 870: the victim is bankrupt (equity 59.75 - 65 USD), the book is empty.
        await Market.SetMarkPrice(870);
        await VictimClosed(victim);

        var events = await JournalEvents();
        var deleveraged = events.Where(e => e.Kind == EventKind.PositionDeleveraged).ToList();
        Assert.DoesNotContain(events, e => e.Kind == EventKind.PositionTakenOver);
        Assert.All(deleveraged, e => Assert.Equal((victim, shortMaker), (e.AccountId, e.MakerAccountId)));
        Assert.Equal(1_000, deleveraged.Sum(e => e.Size));
        await AuditBalances();
    }

    [Fact]
    public async Task The_fund_counts_a_takeover_whose_push_was_lost_against_its_cap()
    {
        const long shortMaker = 3, first = 4, second = 5, fund = 901;
        await Account(shortMaker).Deposit(1_000 * Usd, "d3");
        await Account(first).Deposit(60 * Usd, "d4");
        await Account(second).Deposit(100 * Usd, "d5");
        await Account(fund).Deposit(1_000 * Usd, "d901");
        // The fund may lose at most 4% of its equity in this market.
        var rules = new LiquidationRules(fund, FeeBps: 50, SliceLots: 1_000_000, CooldownMs: 0, FundLossCapBps: 400);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(rules))).Status);
        Assert.True((await Account(shortMaker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 2_000, "ask"))).IsAccepted());
        Assert.True((await Account(first).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "b1"))).IsAccepted());
        Assert.True((await Account(second).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "b2"))).IsAccepted());
        // From here on the market's pushes never reach the fund: it learns of its takeovers only by asking the market.
        _loss.LoseAlways(c => c.InterfaceMethod?.Name == nameof(IAccountGrain.OnMarketEvents) && c.TargetId.GetIntegerKey() == fund);

        // 870 bankrupts the first long only (the second keeps 34.75 USD of equity): the fund takes it over at 881, a
        // 5.5 USD loss at the mark, within its 40 USD cap.
        await Market.SetMarkPrice(870);
        await VictimClosed(first);
        // 800 bankrupts the second (bankruptcy 801). The fund's first takeover now loses 40.5 USD at the mark: past its cap
        // (4% of 959.5 USD), so the second long is deleveraged against the short. A fund that did not know its first
        // takeover would count no loss and take this one too. The fund's own loss passes its cap for deleveraging too (4% of
        // the 1,000 USD it has without that loss): it is deleveraged whole against the same short at 801, where it loses
        // (881 - 801) x 1,000 x 0.0005 = 40 USD.
        await Market.SetMarkPrice(800);
        await VictimClosed(second);
        // The fund learns it only by asking (its pushes are lost): the journal says it.
        await Eventually(async () =>
        {
            Require((await JournalEvents()).Any(e => e.Kind == EventKind.PositionDeleveraged && e.AccountId == fund), "the fund is not deleveraged yet");
            return true;
        }, Deadline);

        var events = await JournalEvents();
        Assert.Equal([(first, 1_000L)], events.Where(e => e.Kind == EventKind.PositionTakenOver).Select(e => (e.AccountId, e.Size)).ToList());
        Assert.Equal([(second, shortMaker, 801L, 1_000L), (fund, shortMaker, 801L, 1_000L)],
            events.Where(e => e.Kind == EventKind.PositionDeleveraged).Select(e => (e.AccountId, e.MakerAccountId, e.Price, e.Size)).Order().ToList());
        Assert.True(_loss.Lost >= 1, "the takeover's push to the fund was not lost: the test proves nothing");
        await AuditBalances();
    }

    private async Task VictimClosed(long victim) =>
        await Eventually(async () =>
        {
            var view = await Account(victim).GetView();
            Require(view.PositionIn(Symbol) == 0, $"account {victim} still holds {view.PositionIn(Symbol)} lots");
            return true;
        }, Deadline);

    private async Task AuditBalances()
    {
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
    }

    /// <summary>Drops the calls a test names before they reach the grain, as a lost one-way message.</summary>
    private sealed class MessageLoss : IIncomingGrainCallFilter
    {
        private Func<IIncomingGrainCallContext, bool>? _rule;
        private bool _once;
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public void LoseOnce(Func<IIncomingGrainCallContext, bool> rule) => (_rule, _once) = (rule, true);

        public void LoseAlways(Func<IIncomingGrainCallContext, bool> rule) => (_rule, _once) = (rule, false);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (_rule is not { } rule || !rule(context)) return context.Invoke();
            if (_once && Interlocked.CompareExchange(ref _lost, 1, 0) != 0) return context.Invoke();
            if (!_once) Interlocked.Increment(ref _lost);
            return Task.CompletedTask;
        }
    }
}
