using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using Npgsql;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Conditional orders through the grains on a real journal: held by the market, fired inside the command that moves
/// the price, placed by their account like a new order, and the same after a replay of the journal and a restart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConditionalOrderTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ExchangeCluster _cluster = null!;
    private string _database = "";
    private string _symbol = "";

    public async Task InitializeAsync()
    {
        (_cluster, _database) = await StartCluster(postgres, silos: 1, marketOptions: o => o.SnapshotEveryEvents = 4);
        _symbol = MarketTestData.NewSymbol("CO");
        await _cluster.CreateMarket(_symbol);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IAccountGrain Account(long id) => _cluster.Client.GetGrain<IAccountGrain>(id);

    private IMarketGrain Market => _cluster.Market(_symbol);

    private static ConditionalTerms StopLimit(Side side, long trigger, long price, long size, string clientOrderId,
        TriggerSource source = TriggerSource.LastPrice) =>
        new(TriggerKind.Stop, source, trigger, 0, new PlaceOrder(0, side, OrderType.Limit, price, size, TimeInForce.ImmediateOrCancel,
            ClientOrderId: clientOrderId));

    [Fact]
    public async Task A_stop_fires_in_the_trade_that_reaches_it_its_account_places_the_order_and_replay_gives_the_same()
    {
        foreach (var id in new long[] { 1, 2, 3 }) await Account(id).Deposit(10_000 * Usd, $"d{id}");
        await Account(2).PlaceOrder(_symbol, Limit(Side.Sell, 101, 5));
        await Account(2).PlaceOrder(_symbol, Limit(Side.Sell, 102, 5));

        var stop = await Account(1).PlaceConditional(_symbol, StopLimit(Side.Buy, 101, 102, 3, "stop-1"));
        var accepted = Assert.Single(stop.Outcome!.Events);
        Assert.Equal((EventKind.ConditionalAccepted, 1L), (accepted.Kind, accepted.AccountId));
        var trailing = await Account(1).PlaceConditional(_symbol, new ConditionalTerms(TriggerKind.TrailingStop, TriggerSource.LastPrice, 0, 500,
            new PlaceOrder(0, Side.Sell, OrderType.Limit, 1, 1, TimeInForce.ImmediateOrCancel, ClientOrderId: "trail-1")));
        Assert.Equal(EventKind.ConditionalAccepted, Assert.Single(trailing.Outcome!.Events).Kind);
        Assert.Equal(["stop-1", "trail-1"], (await Market.GetConditionalOrders(1)).Select(o => o.Terms.Order.ClientOrderId));
        Assert.Empty(await Market.GetConditionalOrders(2));
        // A repeated client order id is refused; so is a stop another account names.
        var repeat = await Account(1).PlaceConditional(_symbol, StopLimit(Side.Buy, 101, 102, 3, "stop-1"));
        Assert.Equal(RejectReason.DuplicateClientOrderId, repeat.Outcome!.Rejection);
        Assert.Equal(RejectReason.OrderNotFound, (await Account(3).CancelConditional(_symbol, accepted.OrderId, null)).Outcome!.Rejection);

        // Account 3 trades at 101: the stop fires inside that very command, after the trade.
        var taker = await Account(3).PlaceOrder(_symbol, Limit(Side.Buy, 101, 1, timeInForce: TimeInForce.ImmediateOrCancel));
        var kinds = taker.Outcome!.Events.Select(e => e.Kind).ToArray();
        Assert.Equal([EventKind.OrderAccepted, EventKind.TradeExecuted, EventKind.ConditionalTriggered], kinds);
        var fired = taker.Outcome.Events[^1];
        Assert.Equal((accepted.OrderId, 1L, 101L, 101L), (fired.OrderId, fired.AccountId, fired.PreviousPrice, fired.PreviousSize));
        Assert.Equal(taker.Outcome.Events[^2].Sequence + 1, fired.Sequence);

        // Account 1 places it as a new order: 3 bought at 101 (4 left) and 102.
        await Eventually(async () =>
        {
            var view = await Account(1).GetView();
            Require(view.PositionIn(_symbol) == 3, $"position {view.PositionIn(_symbol)}");
        }, Deadline);
        Assert.Equal(OrderState.Closed, (await Market.GetOrderByClientId(1, "stop-1")).State);
        var trail = Assert.Single(await Market.GetConditionalOrders(1));
        // Placed before any trade, the trailing stop started following at the first one (101; the stop's order also filled there).
        Assert.Equal(("trail-1", 101L), (trail.Terms.Order.ClientOrderId, trail.Extreme));

        // Replayed from the whole journal, and from the newest snapshot (which holds the trailing stop), the same state.
        var status = await Market.GetStatus();
        await using var dataSource = NpgsqlDataSource.Create(_database);
        var journal = new PostgresMarketJournal(dataSource);
        var spec = MarketTestData.Spec(_symbol);
        var fromHistory = (await MarketRecovery.Load(new MarketRecoveryTests.HistoryOnlyJournal(journal), spec, CancellationToken.None)).Book;
        Assert.Equal((status.Sequence, status.StateHash), (fromHistory.Sequence, fromHistory.StateHash()));
        Assert.Equal([trail], fromHistory.Triggers.Orders);
        var recovered = await MarketRecovery.Load(journal, spec, CancellationToken.None);
        Assert.True(recovered.SnapshotSequence > accepted.Sequence, $"snapshot at {recovered.SnapshotSequence}");
        Assert.Equal((status.Sequence, status.StateHash), (recovered.Book.Sequence, recovered.Book.StateHash()));

        // The grain, reactivated, still holds it; a cancel-all takes it.
        await _cluster.Cluster.DeactivateAsync(Market);
        Assert.Equal([trail], await Market.GetConditionalOrders(1));
        var all = await Account(1).CancelAll(_symbol);
        var removed = Assert.Single(all.Outcome!.Events, e => e.Kind == EventKind.ConditionalCancelled);
        Assert.Equal((trail.Id, CancelReason.CancelAll), (removed.OrderId, removed.CancelReason));
        Assert.Empty(await Market.GetConditionalOrders(1));
    }

    [Fact]
    public async Task A_mark_price_stop_fires_in_the_mark_command_and_is_refused_when_it_would_fire_at_once()
    {
        await Account(1).Deposit(10_000 * Usd, "d1");
        await Account(2).Deposit(10_000 * Usd, "d2");
        await Account(2).PlaceOrder(_symbol, Limit(Side.Buy, 90, 5));
        // With no mark and no trade there is no price yet: nothing would fire at once.
        var stop = await Account(1).PlaceConditional(_symbol, StopLimit(Side.Sell, 90, 90, 2, "stop-mark", TriggerSource.MarkPrice));
        Assert.Equal(EventKind.ConditionalAccepted, Assert.Single(stop.Outcome!.Events).Kind);
        await Market.SetMarkPrice(100);
        Assert.Equal(RejectReason.WouldTriggerImmediately,
            (await Account(1).PlaceConditional(_symbol, StopLimit(Side.Sell, 100, 100, 1, "now", TriggerSource.MarkPrice))).Outcome!.Rejection);
        Assert.Equal(RejectReason.InvalidTrigger,
            (await Account(1).PlaceConditional(_symbol, StopLimit(Side.Sell, 0, 100, 1, "zero", TriggerSource.MarkPrice))).Outcome!.Rejection);
        await Account(1).PlaceConditional(_symbol, StopLimit(Side.Sell, 80, 80, 1, "later", TriggerSource.MarkPrice));
        Assert.Equal(RejectReason.None, (await Account(1).CancelConditional(_symbol, 0, "later")).Outcome!.Rejection);
        Assert.Equal(["stop-mark"], (await Market.GetConditionalOrders(1)).Select(o => o.Terms.Order.ClientOrderId));

        await Market.SetMarkPrice(90);
        Assert.Empty(await Market.GetConditionalOrders(1));
        await Eventually(async () =>
        {
            var view = await Account(1).GetView();
            Require(view.PositionIn(_symbol) == -2, $"position {view.PositionIn(_symbol)}");
        }, Deadline);
    }
}
