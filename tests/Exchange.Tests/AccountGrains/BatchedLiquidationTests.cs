using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// The batched liquidation path on a two-silo cluster over real PostgreSQL: the market checks every step of a batch
/// against its account's cursor before any of it runs (a batch sent twice runs once; an account that moved is refused
/// alone), and the market's liquidator acts on a shard's batch once, refusing and handing back the accounts that moved.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchedLiquidationTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "BL")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const long Seller = 11, First = 12, Second = 13, Fund = 910;

    [Fact]
    public async Task A_batch_of_steps_runs_once_and_refuses_only_the_account_that_moved()
    {
        var (first, second) = await TwoLongs();
        PositionTransfer Takeover(long account, long lots) => new(PositionTransferKind.Takeover, account, Fund, Side.Sell, 1_000, lots);

        // The first account's two steps were decided at its cursor and run together; the second's cursor is one before
        // its fill, so it is refused alone and nothing of it runs.
        MarketCommand[] batch =
        [
            new TransferPositionCommand(Takeover(First, 4), first),
            new TransferPositionCommand(new PositionTransfer(PositionTransferKind.Deleverage, First, Seller, Side.Sell, 1_000, 6), first),
            new TransferPositionCommand(Takeover(Second, 10), second - 1),
        ];
        var outcomes = await Market.ExecuteBatch(batch);
        Assert.Equal([CommandStatus.Committed, CommandStatus.Committed, CommandStatus.Failed], outcomes.Select(o => o.Status));
        Assert.All(outcomes.Take(2), o => Assert.DoesNotContain(o.Events, e => e.Kind == EventKind.OrderRejected));

        // The same batch again (a retry, or a liquidator reactivated while the first was in flight): nothing runs twice.
        var again = await Market.ExecuteBatch(batch);
        Assert.All(again, o => Assert.Equal(CommandStatus.Failed, o.Status));

        // Each party hears of the steps by its own one-way push, in its own time.
        await Eventually(async () =>
        {
            Require((await Account(First).GetView()).PositionIn(Symbol) == 0, "the first account has not applied its steps yet");
            Require((await Account(Fund).GetView()).PositionIn(Symbol) == 4, "the fund has not applied the takeover yet");
            Require((await Account(Seller).GetView()).PositionIn(Symbol) == -20 + 6, "the seller has not applied the deleveraging yet");
            return true;
        }, Deadline);
        Assert.Equal(10, (await Account(Second).GetView()).PositionIn(Symbol));
        var transfers = new List<MarketEvent>();
        await foreach (var e in EventsFromJournal(Database, Symbol))
            if (e.Kind is EventKind.PositionTakenOver or EventKind.PositionDeleveraged) transfers.Add(e);
        Assert.Equal([4L, 6L], transfers.Select(e => e.Size));
    }

    [Fact]
    public async Task The_liquidator_acts_on_a_batch_once_and_hands_back_an_account_that_moved()
    {
        var (first, second) = await TwoLongs();
        var mark = (await Market.GetMark()).Price;
        // No bids: the book cannot absorb either long at 1,000, so the fund takes them. The second entry is stale.
        var batch = new BackstopBatch(Symbol, mark, NotionalPerTickLot,
            [new BackstopEntry(First, first, 10, 1_000), new BackstopEntry(Second, second - 1, 10, 1_000)]);
        var liquidator = Cluster.Client.GetGrain<ILiquidatorGrain>(Symbol);
        await liquidator.Backstop(batch);
        await liquidator.Backstop(batch);
        var stats = await Eventually(async () =>
        {
            var s = await liquidator.Stats();
            // Refused: the second account in each batch, and the first in the repeat (it moved by the first batch's step).
            Require(s.Batches == 2 && s.Refused == 3, $"the liquidator has done {s}");
            return s;
        }, Deadline);
        // One takeover in all: the first account's step ran once (the repeat found it moved), the second was refused twice.
        Assert.Equal(1, stats.Transfers);
        await Eventually(async () =>
        {
            Require((await Account(Fund).GetView()).PositionIn(Symbol) == 10, "the fund has not applied the takeover yet");
            Require((await Account(First).GetView()).PositionIn(Symbol) == 0, "the first account has not applied the takeover yet");
            return true;
        }, Deadline);
        Assert.Equal(10, (await Account(Second).GetView()).PositionIn(Symbol));
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
    }

    [Fact]
    public async Task A_mode_change_after_the_cursor_does_not_stop_a_step_but_a_risk_change_does()
    {
        var (first, second) = await TwoLongs();
        PositionTransfer Takeover(long account) => new(PositionTransferKind.Takeover, account, Fund, Side.Sell, 1_000, 10);
        // The breaker paused the market and reopened it after both cursors: no account changed, the steps still stand.
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetModeCommand(MarketMode.CancelOnly))).Status);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetModeCommand(MarketMode.Open))).Status);
        var taken = await Market.ExecuteBatch([new TransferPositionCommand(Takeover(First), first)]);
        Assert.Equal(CommandStatus.Committed, taken[0].Status);
        Assert.Contains(taken[0].Events, e => e.Kind == EventKind.PositionTakenOver);

        // New margin tiers after the second's cursor: its step was decided on terms no longer in force.
        var risk = (await Market.GetSummary()).Terms!.Risk;
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetRiskCommand(risk with { TakerFeeBps = risk.TakerFeeBps + 1 }))).Status);
        var refused = await Market.ExecuteBatch([new TransferPositionCommand(Takeover(Second), second)]);
        Assert.Equal(CommandStatus.Failed, refused[0].Status);
    }

    [Fact]
    public async Task An_account_found_again_while_it_waits_is_decided_once_at_its_latest_verdict()
    {
        var (first, _) = await TwoLongs();
        var mark = (await Market.GetMark()).Price;
        var liquidator = Cluster.Client.GetGrain<ILiquidatorGrain>(Symbol);
        // A shard behind a busy liquidator says the same account again and again (every RenotifyAfter, at every scan).
        const int Said = 20;
        var batch = new BackstopBatch(Symbol, mark, NotionalPerTickLot, [new BackstopEntry(First, first, 10, 1_000)], DateTime.UtcNow.Ticks);
        for (var i = 0; i < Said; i++) await liquidator.Backstop(batch);
        var stats = await Eventually(async () =>
        {
            var s = await liquidator.Stats();
            Require(s.Batches == Said && s.Waiting == 0 && s.Transfers + s.Refused >= s.Chunks, $"the liquidator has done {s}");
            return s;
        }, Deadline);
        // The first chunk took it over; the repeats that came while it ran waited as one, and were refused once (it moved).
        Assert.Equal(1, stats.Transfers);
        Assert.True(stats.Chunks < Said, $"{Said} batches of one account were decided in {stats.Chunks} chunks: {stats}");
        Assert.Equal(stats.Chunks - 1, stats.Refused);
        Assert.Equal(Said, stats.Entries);
        Assert.InRange(stats.SlowestMs, 0, (long)Deadline.TotalMilliseconds);
        await Eventually(async () =>
            Require((await Account(Fund).GetView()).PositionIn(Symbol) == 10, "the fund has not applied the takeover yet"), Deadline);
    }

    [Fact]
    public async Task A_risk_shard_that_starts_again_has_the_accounts_holding_positions_report_at_once()
    {
        await TwoLongs();
        var shard = Cluster.Client.GetGrain<IRiskShardGrain>(RiskOptions.ShardOf(First, new RiskOptions().Shards));
        await Eventually(async () => Require((await shard.Stats()).Accounts == 1, "the first account's row has not reached its shard"), Deadline);

        // Its silo died, say: the new activation knows nobody. The accounts would send their rows again within 30 s
        // (RiskReporter.RefreshAfter); it asks the market who holds positions of its shard and has them report now.
        await Cluster.Cluster.DeactivateAsync(shard);
        var stats = await Eventually(async () =>
        {
            var s = await shard.Stats();
            Require(s.Accounts == 1, $"the restarted shard holds {s.Accounts} rows");
            return s;
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(1, stats.Accounts);
    }

    [Fact]
    public async Task A_batch_found_at_a_mark_that_has_since_moved_against_its_longs_still_runs_and_one_moved_for_them_is_handed_back()
    {
        var (first, second) = await TwoLongs();
        var mark = (await Market.GetMark()).Price;
        var liquidator = Cluster.Client.GetGrain<ILiquidatorGrain>(Symbol);
        // Found when the mark was higher (the price kept falling in a crash, four ticks a second): still under, handled.
        await liquidator.Backstop(new BackstopBatch(Symbol, mark + 10, NotionalPerTickLot, [new BackstopEntry(First, first, 10, 1_000)]));
        // Found when the mark was lower, and it has risen since: the long may be back above maintenance, so its account decides.
        await liquidator.Backstop(new BackstopBatch(Symbol, mark - 10, NotionalPerTickLot, [new BackstopEntry(Second, second, 10, 1_000)]));
        var stats = await Eventually(async () =>
        {
            // One-way batches may arrive in either order, and Batches counts a batch when it starts: wait for both outcomes.
            var s = await liquidator.Stats();
            Require(s.Batches == 2 && s.Transfers + s.Refused >= 2, $"the liquidator has done {s}");
            return s;
        }, Deadline);
        Assert.Equal((1L, 1L), (stats.Transfers, stats.Refused));
        await Eventually(async () =>
            Require((await Account(First).GetView()).PositionIn(Symbol) == 0, "the first account has not applied the takeover yet"), Deadline);
    }

    [Fact]
    public async Task A_liquidation_order_through_the_book_is_charged_its_fee_once_though_the_batch_came_twice()
    {
        var (first, _) = await TwoLongs();
        const long Bidder = 14;
        await Account(Bidder).Deposit(1_000 * Usd, "db");
        Assert.True((await Account(Bidder).PlaceOrder(Symbol, Limit(Side.Buy, 990, 10, "bid"))).IsAccepted());
        var mark = (await Market.GetMark()).Price;
        // The bid absorbs the long at its bankruptcy price (950) or better: one liquidation order, which sells at 990.
        var batch = new BackstopBatch(Symbol, mark, NotionalPerTickLot, [new BackstopEntry(First, first, 10, 950, 100 * Usd)]);
        var liquidator = Cluster.Client.GetGrain<ILiquidatorGrain>(Symbol);
        await liquidator.Backstop(batch);
        await liquidator.Backstop(batch);

        // The fee is charged once (the repeat's order was refused, the account had moved), and what it charged is 50 bps
        // of the 10 lots sold at 990, rounded up.
        var fees = await Eventually(async () =>
        {
            var charged = new List<MarketEvent>();
            await foreach (var e in EventsFromJournal(Database, Symbol))
                if (e.Kind == EventKind.LiquidationFeeCharged) charged.Add(e);
            Require(charged.Count > 0, "no liquidation fee in the journal yet");
            return charged;
        }, Deadline);
        Assert.Equal(First, Assert.Single(fees).AccountId);
        Assert.Equal(990 * 10 * NotionalPerTickLot * 50 / 10_000, fees[0].Size);
        var stats = await liquidator.Stats();
        Assert.Equal((2L, 1L), (stats.Batches, stats.ToBook));
        await Eventually(async () =>
            Require((await Account(First).GetView()).PositionIn(Symbol) == 0, "the first account has not applied its fill yet"), Deadline);
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, audit.Describe());
    }

    /// <summary>Two accounts long 10 at 1,000 against one seller, a funded insurance fund; returns each long's cursor.</summary>
    private async Task<(long First, long Second)> TwoLongs()
    {
        await Account(Seller).Deposit(1_000 * Usd, "ds");
        await Account(First).Deposit(100 * Usd, "d1");
        await Account(Second).Deposit(100 * Usd, "d2");
        await Account(Fund).Deposit(100 * Usd, "df");
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetLiquidationRulesCommand(new LiquidationRules(Fund)))).Status);
        Assert.True((await Account(Seller).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 20, "s"))).IsAccepted());
        Assert.True((await Account(First).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 10, "b1"))).IsAccepted());
        Assert.True((await Account(Second).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 10, "b2"))).IsAccepted());
        async Task<long> CursorOf(long account) =>
            (await Account(account).GetView()).Positions.Single(p => p.Symbol == Symbol).SettledSequence;
        return (await CursorOf(First), await CursorOf(Second));
    }
}
