using System.Runtime.CompilerServices;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Npgsql;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Markets;

/// <summary>
/// Recovery on a real PostgreSQL journal after a few hundred commands of every kind: from the newest snapshot,
/// from the whole history, and by reactivating the grain, the market comes back with the same sequence and state
/// hash; and the journal's batches cover the sequence without gaps or overlaps.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketRecoveryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private const long Mid = 5_000;
    private const int Accounts = 5;

    private ExchangeCluster _cluster = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        _cluster = await ExchangeCluster.StartAsync(_database, options: o => o.SnapshotEveryEvents = 50);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_market_recovers_the_same_state_from_snapshot_from_full_replay_and_on_reactivation()
    {
        var symbol = NewSymbol("RC");
        var spec = Spec(symbol);
        var market = await _cluster.CreateMarket(symbol);
        var orders = new LocalOrders();
        var random = new Random(20_240_601);
        var all = new List<CommandOutcome>();
        var clientIds = 0;

        while (all.Count < 400)
        {
            var commands = NextCommands(random, orders, ref clientIds);
            CommandOutcome[] outcomes;
            if (commands.Length > 1 && random.Next(2) == 0)
            {
                outcomes = await market.ExecuteBatch(commands);
            }
            else
            {
                outcomes = new CommandOutcome[commands.Length];
                for (var i = 0; i < commands.Length; i++) outcomes[i] = await market.Execute(commands[i]);
            }
            Assert.Equal(commands.Length, outcomes.Length);
            foreach (var outcome in outcomes) orders.Apply(outcome);
            all.AddRange(outcomes);
        }

        // The run did what it is meant to exercise.
        var events = all.SelectMany(o => o.Events).ToArray();
        Assert.Contains(events, e => e.Kind == EventKind.TradeExecuted);
        Assert.Contains(events, e => e.Kind == EventKind.AuctionUncrossed && e.Size > 0);
        Assert.Contains(events, e => e.Kind == EventKind.OrderAmended);
        Assert.Contains(events, e => e.Kind == EventKind.OrderCancelled && e.CancelReason == CancelReason.CancelAll);
        Assert.Contains(events, e => e.Kind == EventKind.OrderCancelled && e.CancelReason == CancelReason.FillOrKill);
        Assert.Contains(events, e => e.Kind == EventKind.OrderRejected);
        Assert.Contains(events, e => e.Kind == EventKind.MarkPriceSet);
        Assert.Contains(events, e => e.Kind == EventKind.RiskChanged);
        Assert.Contains(events, e => e.Kind == EventKind.ModeChanged && e.Actor == ModeActor.Breaker && e.Reason is not null);

        var status = await market.GetStatus();
        var book = await market.GetBook(10_000);
        Assert.Equal(events.Where(e => e.Kind != EventKind.OrderRejected).Max(e => e.Sequence), status.Sequence);
        Assert.Equal(orders.Open.Count, status.RestingOrders);
        Assert.Equal(MarketMode.Open, status.Mode);

        await using var dataSource = NpgsqlDataSource.Create(_database);
        var journal = new PostgresMarketJournal(dataSource);

        // The journal's batches chain from 1 to the acknowledged sequence.
        var rows = await JournalRows(dataSource, symbol);
        Assert.True(rows.Count > 1, $"only {rows.Count} journal rows");
        var expectedFirst = 1L;
        foreach (var (first, last) in rows)
        {
            Assert.Equal(expectedFirst, first);
            Assert.True(last >= first, $"batch {first}..{last} is empty");
            expectedFirst = last + 1;
        }
        Assert.Equal(status.Sequence, rows[^1].Last);

        // (a) From the newest snapshot plus the tail of the journal.
        var snapshot = await LatestSnapshot(journal, symbol);
        Assert.InRange(snapshot.Sequence, 1, status.Sequence - 1); // so the tail is replayed too
        var recovered = await MarketRecovery.Load(journal, spec, CancellationToken.None);
        Assert.InRange(recovered.SnapshotSequence, snapshot.Sequence, status.Sequence - 1); // a newer one may have landed since
        var fromSnapshot = recovered.Book;
        Assert.Equal((status.Sequence, status.StateHash), (fromSnapshot.Sequence, fromSnapshot.StateHash()));
        Assert.Equal(status.RestingOrders, fromSnapshot.RestingOrderCount);
        AssertSameLevels(book, fromSnapshot);

        // (b) From the whole history, ignoring snapshots; and the snapshot is the state its history leads to.
        var replayed = await MarketRecovery.Load(new HistoryOnlyJournal(journal), spec, CancellationToken.None);
        Assert.Equal(0, replayed.SnapshotSequence);
        var fromHistory = replayed.Book;
        Assert.Equal((status.Sequence, status.StateHash), (fromHistory.Sequence, fromHistory.StateHash()));
        var atSnapshot = (await MarketRecovery.Load(new HistoryOnlyJournal(journal, snapshot.Sequence), spec, CancellationToken.None)).Book;
        Assert.Equal((snapshot.Sequence, snapshot.StateHash), (atSnapshot.Sequence, atSnapshot.StateHash()));

        // (c) The grain itself, reactivated.
        var openBefore = await OpenOrders(market);
        var accounts = orders.Open.Select(o => o.AccountId).Distinct().Order().ToArray();
        var historyBefore = await Task.WhenAll(accounts.Select(market.GetAccountHistory));
        await _cluster.Cluster.DeactivateAsync(market);
        Assert.Equal(status, await market.GetStatus());
        // The accounts' recent history is whole again: the events before the snapshot are read back into memory.
        var historyAfter = await Task.WhenAll(accounts.Select(market.GetAccountHistory));
        for (var i = 0; i < accounts.Length; i++)
        {
            Assert.Equal(0, historyAfter[i].Previous);
            Assert.Equal(historyBefore[i].Events, historyAfter[i].Events);
            Assert.NotEmpty(historyAfter[i].Events);
        }
        Assert.Equal(book, await market.GetBook(10_000), BookViewComparer.Instance);
        Assert.Equal(openBefore, await OpenOrders(market));
        foreach (var order in orders.Open)
        {
            var lookup = await market.GetOrder(order.OrderId);
            Assert.Equal(OrderState.Open, lookup.State);
            Assert.Equal((order.Price, order.Remaining), (lookup.Order!.Value.Price, lookup.Order.Value.Remaining));
        }
    }

    /// <summary>One step of the random run: usually one command, sometimes a mode episode (auction and uncross, ...).</summary>
    private static MarketCommand[] NextCommands(Random random, LocalOrders orders, ref int clientIds)
    {
        var roll = random.Next(100);
        if (roll < 4)
        {
            // An auction: crossing orders rest, then one uncross trades them at one price and reopens.
            var commands = new List<MarketCommand> { new SetModeCommand(MarketMode.Auction) };
            for (var i = random.Next(2, 8); i > 0; i--)
            {
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                var price = side == Side.Buy ? Mid + random.Next(-3, 6) : Mid + random.Next(-5, 4);
                commands.Add(new PlaceCommand(new PlaceOrder(Account(random), side, OrderType.Limit, price, random.Next(1, 15),
                    ClientOrderId: random.Next(2) == 0 ? $"a{++clientIds}" : null)));
            }
            if (random.Next(3) == 0) commands.Add(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Market, 0, 3))); // refused
            commands.Add(new UncrossCommand(Mid + random.Next(-2, 3)));
            return [.. commands];
        }
        if (roll < 6)
        {
            MarketMode[] modes = [MarketMode.PostOnly, MarketMode.CancelOnly, MarketMode.Halted];
            var mode = modes[random.Next(modes.Length)];
            List<MarketCommand> commands = [new SetModeCommand(mode, new ModeCause(ModeActor.Breaker, $"episode {clientIds}"))];
            for (var i = random.Next(1, 4); i > 0; i--) commands.Add(Single(random, orders, ref clientIds));
            commands.Add(new SetModeCommand(MarketMode.Open));
            return [.. commands];
        }
        if (roll < 9)
        {
            // The market's terms: a mark (sometimes cleared), or new fees.
            return random.Next(3) == 0
                ? [new SetRiskCommand(MarketRisk.Default with { MakerFeeBps = random.Next(0, 3), TakerFeeBps = random.Next(3, 8) })]
                : [new SetMarkPriceCommand(random.Next(5) == 0 ? 0 : Mid + random.Next(-20, 21))];
        }
        if (roll < 12)
        {
            var commands = new MarketCommand[random.Next(2, 10)];
            for (var i = 0; i < commands.Length; i++) commands[i] = Single(random, orders, ref clientIds);
            return commands;
        }
        return [Single(random, orders, ref clientIds)];
    }

    private static MarketCommand Single(Random random, LocalOrders orders, ref int clientIds)
    {
        var account = Account(random);
        var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
        var price = side == Side.Buy ? Mid + random.Next(-15, 4) : Mid + random.Next(-3, 16);
        var size = random.Next(1, 25);
        var clientOrderId = random.Next(3) == 0 ? $"c{++clientIds}" : null;
        var stp = (SelfTradePrevention)random.Next(4);
        var open = orders.Open.ToArray();
        var withClientId = open.Where(o => o.ClientOrderId is not null).ToArray();
        var roll = random.Next(100);
        if (roll >= 50 && open.Length == 0) roll = 0;
        if (roll is >= 60 and < 65 or >= 75 and < 82 && withClientId.Length == 0) roll = 0;
        return roll switch
        {
            < 30 => Place(account, side, OrderType.Limit, price, size, TimeInForce.GoodTillCancel, OrderFlags.None, stp, clientOrderId),
            < 35 => Place(account, side, OrderType.Limit, price, size, TimeInForce.GoodTillCancel, OrderFlags.PostOnly, stp, clientOrderId),
            < 40 => Place(account, side, OrderType.Limit, price, size, TimeInForce.ImmediateOrCancel, OrderFlags.None, stp, clientOrderId),
            < 45 => Place(account, side, OrderType.Limit, price, size * 3, TimeInForce.FillOrKill, OrderFlags.None, stp, clientOrderId),
            < 50 => Place(account, side, OrderType.Market, 0, size, TimeInForce.GoodTillCancel, OrderFlags.None, stp, clientOrderId),
            < 60 => Cancel(Pick(random, open), byClientId: false),
            < 65 => Cancel(Pick(random, withClientId), byClientId: true),
            < 75 => Amend(random, Pick(random, open), byClientId: false),
            < 82 => Amend(random, Pick(random, withClientId), byClientId: true),
            < 86 => new CancelAllCommand(Pick(random, open).AccountId),
            < 90 => new CancelCommand(new CancelOrder(account, 999_999)), // not found
            < 95 when withClientId.Length > 0 => DuplicateOf(Pick(random, withClientId), price),
            _ => Place(account, side, OrderType.Limit, price, 0, TimeInForce.GoodTillCancel, OrderFlags.None, stp, null), // invalid size
        };
    }

    private static long Account(Random random) => random.Next(1, Accounts + 1);

    private static LocalOrders.Resting Pick(Random random, LocalOrders.Resting[] orders) => orders[random.Next(orders.Length)];

    private static PlaceCommand Place(long account, Side side, OrderType type, long price, long size, TimeInForce tif,
        OrderFlags flags, SelfTradePrevention stp, string? clientOrderId) =>
        new(new PlaceOrder(account, side, type, price, size, tif, flags, stp, clientOrderId));

    private static CancelCommand Cancel(LocalOrders.Resting order, bool byClientId) =>
        new(byClientId ? new CancelOrder(order.AccountId, 0, order.ClientOrderId) : new CancelOrder(order.AccountId, order.OrderId));

    private static AmendCommand Amend(Random random, LocalOrders.Resting order, bool byClientId)
    {
        // Half keep the price (a smaller size keeps priority), the rest move it, sometimes across the spread.
        var price = random.Next(2) == 0 ? order.Price : Mid + random.Next(-8, 9);
        var size = Math.Max(1, order.Remaining + random.Next(-5, 6));
        return new(byClientId
            ? new AmendOrder(order.AccountId, 0, order.ClientOrderId, price, size)
            : new AmendOrder(order.AccountId, order.OrderId, null, price, size));
    }

    private static PlaceCommand DuplicateOf(LocalOrders.Resting order, long price) =>
        new(new PlaceOrder(order.AccountId, order.Side, OrderType.Limit, price, 1, ClientOrderId: order.ClientOrderId));

    // Snapshots are saved in the background after their batch commits.
    private static Task<StoredSnapshot> LatestSnapshot(PostgresMarketJournal journal, string symbol) =>
        Polling.Eventually(async () => await journal.LatestSnapshot(symbol, CancellationToken.None)
            ?? throw new InvalidOperationException($"no snapshot of {symbol} yet"), Deadline);

    private static async Task<List<(long First, long Last)>> JournalRows(NpgsqlDataSource dataSource, string symbol)
    {
        await using var command = dataSource.CreateCommand(
            "select first_sequence, last_sequence from market_journal where market = $1 order by first_sequence");
        command.Parameters.Add(new() { Value = symbol });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, long)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        return rows;
    }

    private static async Task<OrderView[]> OpenOrders(IMarketGrain market)
    {
        var open = new List<OrderView>();
        for (var account = 1; account <= Accounts; account++) open.AddRange(await market.GetOpenOrders(account));
        return [.. open.OrderBy(o => o.OrderId)];
    }

    private static void AssertSameLevels(BookView expected, FastOrderBook book)
    {
        List<PriceLevel> bids = [], asks = [];
        book.CopyDepth(Side.Buy, 10_000, bids);
        book.CopyDepth(Side.Sell, 10_000, asks);
        Assert.Equal(expected.Bids, bids);
        Assert.Equal(expected.Asks, asks);
    }

    private sealed class BookViewComparer : IEqualityComparer<BookView>
    {
        public static readonly BookViewComparer Instance = new();

        public bool Equals(BookView? x, BookView? y) =>
            x is not null && y is not null && (x.Symbol, x.Sequence, x.Mode) == (y.Symbol, y.Sequence, y.Mode)
            && x.Bids.SequenceEqual(y.Bids) && x.Asks.SequenceEqual(y.Asks);

        public int GetHashCode(BookView obj) => HashCode.Combine(obj.Symbol, obj.Sequence);
    }

    /// <summary>
    /// The real journal with its snapshots hidden, so recovery replays history from the first batch; optionally
    /// only the history up to a sequence.
    /// </summary>
    internal sealed class HistoryOnlyJournal(IMarketJournal inner, long upTo = long.MaxValue) : IMarketJournal
    {
        public Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken) => inner.CreateMarket(spec, cancellationToken);

        public Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken) => inner.ListMarkets(cancellationToken);

        public Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken) => inner.GetMarket(symbol, cancellationToken);



        public Task Append(string market, JournalBatch batch, CancellationToken cancellationToken) =>
            inner.Append(market, batch, cancellationToken);

        public Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken) =>
            inner.ContainsBatch(market, batchId, cancellationToken);

        public async IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var batch in inner.ReadAfter(market, afterSequence, cancellationToken))
            {
                if (batch.LastSequence > upTo) yield break;
                yield return batch;
            }
        }

        public Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) =>
            inner.SaveSnapshot(market, snapshot, cancellationToken);

        public Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) =>
            Task.FromResult<StoredSnapshot?>(null);
    }
}
