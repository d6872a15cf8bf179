using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Markets;

/// <summary>
/// The market grain's queries (orders by id, by client order id, an account's open orders) and its batch command,
/// on a two-silo cluster over a real PostgreSQL journal.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketQueryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Mid = 2_000;

    private ExchangeCluster _cluster = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        _cluster = await ExchangeCluster.StartAsync(_database);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task GetOrder_shows_an_open_order_with_its_details_and_closed_and_unknown_ones_by_state()
    {
        var market = await _cluster.CreateMarket(NewSymbol("Q"));
        var placed = await market.Execute(new PlaceCommand(new PlaceOrder(1, Side.Sell, OrderType.Limit, Mid, 5,
            Flags: OrderFlags.ReduceOnly, SelfTradePrevention: SelfTradePrevention.CancelBoth, ClientOrderId: "s-1")));
        var accepted = Assert.Single(placed.Events);
        var sellId = placed.AcceptedOrderId();

        var lookup = await market.GetOrder(sellId);
        Assert.Equal(new OrderLookup(OrderState.Open, sellId, new OrderView(sellId, 1, Side.Sell, Mid, Remaining: 5, Filled: 0,
            TimeInForce.GoodTillCancel, OrderFlags.ReduceOnly, SelfTradePrevention.CancelBoth, "s-1", accepted.Timestamp)), lookup);

        // Partly filled: still open, with what is left and what traded. The taker filled whole: closed.
        var takerId = (await market.Execute(Limit(2, Side.Buy, Mid, 2))).AcceptedOrderId();
        var partly = await market.GetOrder(sellId);
        Assert.Equal(OrderState.Open, partly.State);
        Assert.Equal((3L, 2L), (partly.Order!.Value.Remaining, partly.Order.Value.Filled));
        Assert.Equal(new OrderLookup(OrderState.Closed, takerId, null), await market.GetOrder(takerId));

        // Filled the rest: closed.
        await market.Execute(Limit(3, Side.Buy, Mid + 5, 3));
        Assert.Equal(new OrderLookup(OrderState.Closed, sellId, null), await market.GetOrder(sellId));

        // Cancelled, and an IOC that found nothing: closed.
        var restingId = (await market.Execute(Limit(4, Side.Buy, Mid - 10, 1))).AcceptedOrderId();
        Assert.Equal(OrderState.Open, (await market.GetOrder(restingId)).State);
        await market.Execute(new CancelCommand(new CancelOrder(4, restingId)));
        Assert.Equal(new OrderLookup(OrderState.Closed, restingId, null), await market.GetOrder(restingId));
        var iocId = (await market.Execute(new PlaceCommand(new PlaceOrder(5, Side.Buy, OrderType.Limit, Mid - 20, 1,
            TimeInForce.ImmediateOrCancel)))).AcceptedOrderId();
        Assert.Equal(OrderState.Closed, (await market.GetOrder(iocId)).State);

        // Never issued: ids above the last, zero and negative; a rejection takes no id.
        Assert.Equal(RejectReason.InvalidSize, (await market.Execute(Limit(6, Side.Buy, Mid, 0))).Rejection);
        Assert.Equal(new OrderLookup(OrderState.Unknown, iocId + 1, null), await market.GetOrder(iocId + 1));
        Assert.Equal(new OrderLookup(OrderState.Unknown, 1_000_000, null), await market.GetOrder(1_000_000));
        Assert.Equal(OrderState.Unknown, (await market.GetOrder(0)).State);
        Assert.Equal(OrderState.Unknown, (await market.GetOrder(-1)).State);
    }

    [Fact]
    public async Task GetOrderByClientId_finds_the_accounts_own_orders_open_or_closed()
    {
        var market = await _cluster.CreateMarket(NewSymbol("Q"));
        var openId = (await market.Execute(Limit(1, Side.Buy, Mid - 1, 4, "open"))).AcceptedOrderId();
        var filledId = (await market.Execute(Limit(1, Side.Sell, Mid + 1, 2, "filled"))).AcceptedOrderId();
        var cancelledId = (await market.Execute(Limit(1, Side.Sell, Mid + 2, 2, "cancelled"))).AcceptedOrderId();
        await market.Execute(Limit(2, Side.Buy, Mid + 1, 2));
        var cancel = await market.Execute(new CancelCommand(new CancelOrder(1, 0, "cancelled")));
        Assert.Equal(cancelledId, Assert.Single(cancel.Events, e => e.Kind == EventKind.OrderCancelled).OrderId);
        Assert.Equal(RejectReason.InvalidPrice, (await market.Execute(Limit(1, Side.Buy, 0, 1, "rejected"))).Rejection);

        var open = await market.GetOrderByClientId(1, "open");
        Assert.Equal((OrderState.Open, openId), (open.State, open.OrderId));
        Assert.Equal((openId, 1L, Side.Buy, Mid - 1, 4L, "open"),
            (open.Order!.Value.OrderId, open.Order.Value.AccountId, open.Order.Value.Side, open.Order.Value.Price,
             open.Order.Value.Remaining, open.Order.Value.ClientOrderId));
        Assert.Equal(new OrderLookup(OrderState.Closed, filledId, null), await market.GetOrderByClientId(1, "filled"));
        Assert.Equal(new OrderLookup(OrderState.Closed, cancelledId, null), await market.GetOrderByClientId(1, "cancelled"));

        Assert.Equal(new OrderLookup(OrderState.Unknown, 0, null), await market.GetOrderByClientId(1, "never"));
        Assert.Equal(new OrderLookup(OrderState.Unknown, 0, null), await market.GetOrderByClientId(1, "rejected"));
        // Client order ids belong to their account.
        Assert.Equal(new OrderLookup(OrderState.Unknown, 0, null), await market.GetOrderByClientId(2, "open"));
        Assert.Equal(new OrderLookup(OrderState.Unknown, 0, null), await market.GetOrderByClientId(2, "filled"));
    }

    [Fact]
    public async Task GetOpenOrders_lists_exactly_the_accounts_resting_orders()
    {
        var market = await _cluster.CreateMarket(NewSymbol("Q"));
        var orders = new LocalOrders();
        var random = new Random(4242);
        var known = new List<long>();
        var positions = new Dictionary<long, long>();
        for (var i = 0; i < 150; i++)
        {
            var account = random.Next(1, 5);
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            var price = side == Side.Buy ? Mid + random.Next(-10, 3) : Mid + random.Next(-2, 11);
            var roll = random.Next(10);
            if (roll >= 7 && known.Count == 0) roll = 0;
            MarketCommand command = roll switch
            {
                < 6 => Limit(account, side, price, random.Next(1, 10), random.Next(2) == 0 ? $"o{i}" : null),
                6 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Market, 0, random.Next(1, 10))),
                7 => new CancelCommand(new CancelOrder(account, known[random.Next(known.Count)])),
                _ => new AmendCommand(new AmendOrder(account, known[random.Next(known.Count)], null, Mid + random.Next(-6, 7), random.Next(1, 10))),
            };
            var outcome = await market.Execute(command);
            orders.Apply(outcome);
            foreach (var trade in outcome.Events.Where(e => e.Kind == EventKind.TradeExecuted))
            {
                var signed = trade.Side == Side.Buy ? trade.Size : -trade.Size;
                positions[trade.AccountId] = positions.GetValueOrDefault(trade.AccountId) + signed;
                positions[trade.MakerAccountId] = positions.GetValueOrDefault(trade.MakerAccountId) - signed;
            }
            known.AddRange(outcome.Events.Where(e => e.Kind == EventKind.OrderAccepted).Select(e => e.OrderId));
        }
        Assert.NotEmpty(orders.Open);

        for (var account = 1; account <= 5; account++)
        {
            var expected = orders.Of(account).Select(o => (o.OrderId, o.AccountId, o.Side, o.Price, o.Remaining, o.ClientOrderId)).ToArray();
            var actual = (await market.GetOpenOrders(account))
                .Select(o => (o.OrderId, o.AccountId, o.Side, o.Price, o.Remaining, o.ClientOrderId)).OrderBy(o => o.OrderId).ToArray();
            Assert.Equal(expected, actual);
        }
        Assert.Empty(await market.GetOpenOrders(5));
        var status = await market.GetStatus();
        Assert.Equal(orders.Open.Count, status.RestingOrders);
        // The summary is the status without the hash, with the market's terms (here still the spec's).
        var summary = await market.GetSummary();
        // Its open interest: the longs of the positions the trades made, counted here from the trades themselves.
        Assert.Equal(new MarketSummary(status.Symbol, status.Mode, status.Sequence, status.RestingOrders,
            OpenInterest: positions.Values.Where(p => p > 0).Sum()), summary with { Terms = null });
        Assert.Equal(MarketTerms.Initial((await market.GetSpec())!), summary.Terms);
    }

    [Fact]
    public async Task ExecuteBatch_answers_each_command_in_order_from_one_journal_write()
    {
        var symbol = NewSymbol("QB");
        var spec = Spec(symbol);
        var market = await _cluster.CreateMarket(symbol);

        // A few resting orders to cancel and amend, mirrored in a local book run with the market's timestamps.
        var local = new FastOrderBook(spec);
        var events = new EventBuffer();
        var seeded = new List<(long OrderId, long AccountId)>();
        for (var i = 0; i < 10; i++)
        {
            var seed = Limit(1 + i % 3, i % 2 == 0 ? Side.Buy : Side.Sell, i % 2 == 0 ? Mid - 1 - i : Mid + 1 + i, 5 + i, $"seed{i}");
            var outcome = await market.Execute(seed);
            seeded.Add((outcome.AcceptedOrderId(), seed.Order.AccountId));
            events.Clear();
            MarketCommandRunner.Run(local, seed, outcome.Events[0].Timestamp, events);
        }
        var before = await market.GetStatus();
        Assert.Equal((before.Sequence, before.StateHash), (local.Sequence, local.StateHash()));
        var rowsBefore = await JournalRows(symbol);

        var random = new Random(99);
        var commands = new MarketCommand[100];
        for (var i = 0; i < commands.Length; i++)
        {
            var account = random.Next(1, 4);
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            var price = side == Side.Buy ? Mid + random.Next(-12, 4) : Mid + random.Next(-3, 13);
            var target = seeded[random.Next(seeded.Count)];
            commands[i] = random.Next(12) switch
            {
                < 5 => Limit(account, side, price, random.Next(1, 12), random.Next(3) == 0 ? $"b{i}" : null),
                5 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Limit, price, random.Next(1, 30), TimeInForce.FillOrKill)),
                6 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Market, 0, random.Next(1, 6))),
                7 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Limit, price, 2, Flags: OrderFlags.PostOnly)),
                8 => new CancelCommand(new CancelOrder(target.AccountId, target.OrderId)),
                9 => new AmendCommand(new AmendOrder(target.AccountId, target.OrderId, null, Mid + random.Next(-5, 6), random.Next(1, 9))),
                10 => new CancelAllCommand(account),
                _ => Limit(account, side, price, 1, $"seed{random.Next(10)}"), // a duplicate for some accounts
            };
        }

        var outcomes = await market.ExecuteBatch(commands);

        Assert.Equal(commands.Length, outcomes.Length);
        Assert.All(outcomes, o => Assert.Equal(CommandStatus.Committed, o.Status));
        // Each outcome holds exactly the events its own command makes, run in order on the same book.
        for (var i = 0; i < commands.Length; i++)
        {
            events.Clear();
            MarketCommandRunner.Run(local, commands[i], outcomes[i].Events.FirstOrDefault().Timestamp, events);
            Assert.True(events.Events.SequenceEqual(outcomes[i].Events),
                $"command {i} ({commands[i]}) answered [{string.Join(", ", outcomes[i].Events)}], expected [{string.Join(", ", events.ToArray())}]");
        }
        var after = await market.GetStatus();
        Assert.Equal((after.Sequence, after.StateHash), (local.Sequence, local.StateHash()));

        // State-changing events number the sequences from the batch's start to the market's, in command order.
        var sequences = outcomes.SelectMany(o => o.Events).Where(e => e.Kind != EventKind.OrderRejected).Select(e => e.Sequence).ToArray();
        Assert.Equal(Enumerable.Range(1, sequences.Length).Select(n => before.Sequence + n), sequences);
        Assert.Equal(after.Sequence, sequences[^1]);
        Assert.Contains(outcomes, o => o.Rejection != RejectReason.None);
        Assert.Contains(outcomes, o => o.Events.Any(e => e.Kind == EventKind.TradeExecuted));

        // One journal row for the whole batch.
        Assert.Equal(rowsBefore + 1, await JournalRows(symbol));
        Assert.Equal(before.Sequence + 1, await Sql.ScalarAsync<long>(_database,
            $"select first_sequence from market_journal where market = '{symbol}' order by first_sequence desc limit 1"));
        Assert.Equal(after.Sequence, await Sql.ScalarAsync<long>(_database,
            $"select max(last_sequence) from market_journal where market = '{symbol}'"));
    }

    [Fact]
    public async Task ExecuteBatch_of_no_commands_answers_at_once_with_no_outcomes()
    {
        var market = await _cluster.CreateMarket(NewSymbol("QE"));
        await market.Execute(Limit(1, Side.Buy, Mid, 1));

        // Nothing else is sent to the market meanwhile: the empty batch must settle on its own.
        var empty = market.ExecuteBatch([]);
        var answered = true;
        try
        {
            await empty.WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (TimeoutException)
        {
            answered = false;
            await market.GetStatus(); // any later call flushes the market and releases the empty batch
        }
        Assert.Empty(await empty.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(answered, "ExecuteBatch([]) on an idle market did not answer until another call reached the market");
    }

    [Fact]
    public async Task ExecuteBatch_that_cannot_run_a_command_does_not_apply_the_ones_before_it_behind_the_callers_back()
    {
        var market = await _cluster.CreateMarket(NewSymbol("QN"));
        var before = await market.GetStatus();

        CommandOutcome[]? outcomes = null;
        Exception? error = null;
        try
        {
            outcomes = await market.ExecuteBatch([Limit(1, Side.Buy, Mid, 1, "first"), null!]);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        var first = await market.GetOrderByClientId(1, "first");
        if (outcomes is null)
        {
            // The caller was told the call failed, so nothing of it may take effect.
            Assert.True(first.State == OrderState.Unknown && before == await market.GetStatus(),
                $"ExecuteBatch threw {error!.GetType().Name}, yet the command before the bad one was committed: {first}");
        }
        else
        {
            Assert.Equal(2, outcomes.Length);
            Assert.NotEqual(CommandStatus.Committed, outcomes[1].Status);
            Assert.Equal(outcomes[0] is { Status: CommandStatus.Committed, Rejection: RejectReason.None }, first.State == OrderState.Open);
        }
    }

    [Fact]
    public async Task A_market_order_gets_an_outcome_in_any_market_the_registry_accepts()
    {
        var symbol = NewSymbol("QP");
        // A protection band wider than the price range once passed the spec check, and a market buy then overflowed
        // computing its limit: the caller got an OverflowException instead of an outcome.
        var created = await _cluster.Registry.CreateMarket(Spec(symbol) with { MarketProtectionTicks = long.MaxValue });
        if (created == CreateMarketResult.InvalidSpec) return;
        Assert.Equal(CreateMarketResult.Created, created);
        var market = _cluster.Market(symbol);
        await market.Execute(Limit(1, Side.Sell, Mid, 1));

        var outcome = await Record.ExceptionAsync(() => market.Execute(new PlaceCommand(new PlaceOrder(2, Side.Buy, OrderType.Market, 0, 1))));

        Assert.True(outcome is null, $"a market buy threw {outcome?.GetType().Name}: {outcome?.Message}");
    }

    [Fact]
    public async Task A_duplicate_client_order_id_is_rejected_with_the_original_order_id()
    {
        var market = await _cluster.CreateMarket(NewSymbol("QD"));
        var originalId = (await market.Execute(Limit(1, Side.Buy, Mid - 5, 3, "dup"))).AcceptedOrderId();
        var before = await market.GetStatus();

        var duplicate = await market.Execute(Limit(1, Side.Sell, Mid + 5, 1, "dup"));
        Assert.Equal(CommandStatus.Committed, duplicate.Status);
        Assert.Equal(RejectReason.DuplicateClientOrderId, duplicate.Rejection);
        var rejected = duplicate.Events[0];
        Assert.Equal((originalId, 1L, "dup", before.Sequence), (rejected.OrderId, rejected.AccountId, rejected.ClientOrderId, rejected.Sequence));
        Assert.Equal(before, await market.GetStatus());

        // Another account may use the same id; the first account may not, even once its order is gone.
        Assert.NotEqual(originalId, (await market.Execute(Limit(2, Side.Buy, Mid - 6, 1, "dup"))).AcceptedOrderId());
        Assert.Equal(RejectReason.None, (await market.Execute(new CancelCommand(new CancelOrder(1, 0, "dup")))).Rejection);
        var again = await market.Execute(Limit(1, Side.Buy, Mid - 5, 3, "dup"));
        Assert.Equal((RejectReason.DuplicateClientOrderId, originalId), (again.Rejection, again.Events[0].OrderId));

        // Within one batch the second use is judged against the first.
        var batch = await market.ExecuteBatch([Limit(3, Side.Buy, Mid - 7, 1, "twice"), Limit(3, Side.Buy, Mid - 8, 1, "twice")]);
        var firstId = batch[0].AcceptedOrderId();
        Assert.Equal((RejectReason.DuplicateClientOrderId, firstId), (batch[1].Rejection, batch[1].Events[0].OrderId));
        Assert.Equal(new OrderLookup(OrderState.Open, firstId, (await market.GetOrder(firstId)).Order), await market.GetOrderByClientId(3, "twice"));
        Assert.Equal(Mid - 7, (await market.GetOrderByClientId(3, "twice")).Order!.Value.Price);
    }

    private Task<long> JournalRows(string symbol) =>
        Sql.ScalarAsync<long>(_database, $"select count(*) from market_journal where market = '{symbol}'");
}
