using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.Markets;

/// <summary>
/// Market data as a subscriber sees it, on a two-silo cluster over a real PostgreSQL journal: a client-side
/// observer that starts from a book view and applies the updates keeps an L2 book equal to the market's, and sees
/// exactly the trades the acknowledged commands made.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketDataTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private const long Mid = 10_000;

    private ExchangeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        _cluster = await ExchangeCluster.StartAsync(database);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_subscriber_rebuilds_the_book_and_the_trades_from_updates()
    {
        const int accounts = 4, commandsPerAccount = 100, subscribeAfter = 60;
        var symbol = NewSymbol("MD");
        var market = await _cluster.CreateMarket(symbol);
        var recorder = new Recorder(symbol);
        var reference = _cluster.Client.CreateObjectReference<IMarketDataObserver>(recorder);

        // Traffic runs from several accounts at once (so batches hold many commands); the subscriber joins mid-way.
        var acknowledged = 0;
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var traffic = Enumerable.Range(1, accounts).Select(account => Task.Run(async () =>
        {
            var random = new Random(7919 * account);
            var mine = new List<long>();
            var outcomes = new List<CommandOutcome>();
            for (var i = 0; i < commandsPerAccount; i++)
            {
                var outcome = await market.Execute(RandomCommand(random, account, mine));
                Assert.Equal(CommandStatus.Committed, outcome.Status);
                outcomes.Add(outcome);
                foreach (var e in outcome.Events)
                    if (e.Kind == EventKind.OrderAccepted) mine.Add(e.OrderId);
                if (mine.Count > 30) mine.RemoveRange(0, mine.Count - 30);
                if (Interlocked.Increment(ref acknowledged) == subscribeAfter) warmedUp.TrySetResult();
            }
            return outcomes;
        })).ToArray();

        await Task.WhenAny(warmedUp.Task, Task.WhenAll(traffic)).WaitAsync(Deadline);
        if (!warmedUp.Task.IsCompleted) await Task.WhenAll(traffic); // a traffic task failed: show why
        await market.Subscribe(reference);
        var start = await market.GetBook(10_000);
        recorder.Start(start);
        var outcomes = (await Task.WhenAll(traffic).WaitAsync(TimeSpan.FromSeconds(30))).SelectMany(o => o).ToArray();
        var final = await market.GetBook(10_000);

        await recorder.Reached(final.Sequence, Deadline);

        Assert.True(final.Sequence > start.Sequence, "the traffic after subscribing changed nothing");
        Assert.Empty(recorder.Violations);
        Assert.Equal(final.Sequence, recorder.LastUpdate!.ToSequence);
        Assert.Equal(final.Mode, recorder.LastUpdate.Mode);
        Assert.Equal(LocalBook.Levels(final.Bids), recorder.Book.Bids);
        Assert.Equal(LocalBook.Levels(final.Asks), recorder.Book.Asks);

        var trades = outcomes.SelectMany(o => o.Events).Where(e => e.Kind == EventKind.TradeExecuted)
            .Select(e => new PublicTrade(e.Sequence, e.Timestamp, e.Price, e.Size, e.Side)).OrderBy(t => t.Sequence).ToArray();
        var tradedAfterSubscribing = trades.Where(t => t.Sequence > start.Sequence).ToArray();
        Assert.NotEmpty(tradedAfterSubscribing);
        Assert.Equal(tradedAfterSubscribing, recorder.Trades.Where(t => t.Sequence > start.Sequence));

        // Recent trades: the newest first, however many are asked for (all of them fit the default 1000).
        Assert.InRange(trades.Length, 20, 1000);
        Assert.Equal(Enumerable.Reverse(trades).Take(10), await market.GetRecentTrades(10));
        Assert.Equal(Enumerable.Reverse(trades), await market.GetRecentTrades(1000));
        GC.KeepAlive(recorder);
    }

    [Fact]
    public async Task An_auction_uncross_reaches_subscribers_as_level_changes_and_trades()
    {
        var symbol = NewSymbol("AU");
        var market = await _cluster.CreateMarket(symbol);
        var recorder = new Recorder(symbol);
        await market.Subscribe(_cluster.Client.CreateObjectReference<IMarketDataObserver>(recorder));
        recorder.Start(await market.GetBook(10_000));

        var outcomes = new List<CommandOutcome>();
        for (var i = 1; i <= 3; i++)
        {
            outcomes.Add(await market.Execute(Limit(i, Side.Buy, Mid - i, 2 * i)));
            outcomes.Add(await market.Execute(Limit(i + 3, Side.Sell, Mid + i, 3 * i)));
        }
        outcomes.Add(await market.Execute(new SetModeCommand(MarketMode.Auction)));
        // Crossing orders rest during the auction; the uncross then fills makers at several prices at one price.
        outcomes.Add(await market.Execute(Limit(7, Side.Buy, Mid + 3, 10)));
        outcomes.Add(await market.Execute(Limit(8, Side.Sell, Mid - 2, 4)));
        outcomes.Add(await market.Execute(Limit(9, Side.Buy, Mid + 1, 3)));
        var inAuction = await market.GetBook(10_000);
        await recorder.Reached(inAuction.Sequence, Deadline);
        Assert.Equal(MarketMode.Auction, recorder.LastUpdate!.Mode);
        Assert.Equal(LocalBook.Levels(inAuction.Bids), recorder.Book.Bids);
        Assert.Equal(LocalBook.Levels(inAuction.Asks), recorder.Book.Asks);

        var uncross = await market.Execute(new UncrossCommand(Mid));
        outcomes.Add(uncross);
        var uncrossed = Assert.Single(uncross.Events, e => e.Kind == EventKind.AuctionUncrossed);
        Assert.True(uncrossed.Size > 0, "nothing traded in the uncross");
        var final = await market.GetBook(10_000);
        await recorder.Reached(final.Sequence, Deadline);

        Assert.Empty(recorder.Violations);
        Assert.Equal(MarketMode.Open, recorder.LastUpdate!.Mode);
        Assert.Equal(LocalBook.Levels(final.Bids), recorder.Book.Bids);
        Assert.Equal(LocalBook.Levels(final.Asks), recorder.Book.Asks);
        Assert.True(final.Bids.Length == 0 || final.Asks.Length == 0 || final.Bids[0].Price < final.Asks[0].Price, "still crossed");
        var trades = outcomes.SelectMany(o => o.Events).Where(e => e.Kind == EventKind.TradeExecuted)
            .Select(e => new PublicTrade(e.Sequence, e.Timestamp, e.Price, e.Size, e.Side)).ToArray();
        Assert.All(trades, t => Assert.Equal(uncrossed.Price, t.Price));
        Assert.Equal(trades, recorder.Trades);
        GC.KeepAlive(recorder);
    }

    [Fact]
    public async Task Recent_trades_are_the_last_trades_newest_first()
    {
        var market = await _cluster.CreateMarket(NewSymbol("RT"));
        Assert.Empty(await market.GetRecentTrades(10));
        for (var i = 0; i < 5; i++) await market.Execute(Limit(1, Side.Sell, Mid + i, 2));
        var sweep = await market.Execute(Limit(2, Side.Buy, Mid + 4, 10));
        await market.Execute(Limit(4, Side.Buy, Mid - 1, 3));
        var hit = await market.Execute(Limit(3, Side.Sell, Mid - 1, 1));

        var trades = sweep.Events.Concat(hit.Events).Where(e => e.Kind == EventKind.TradeExecuted)
            .Select(e => new PublicTrade(e.Sequence, e.Timestamp, e.Price, e.Size, e.Side)).ToArray();
        Assert.Equal(6, trades.Length);
        Assert.Equal((Mid - 1, 1L, Side.Sell), (trades[^1].Price, trades[^1].Size, trades[^1].TakerSide));

        Assert.Equal(Enumerable.Reverse(trades).Take(3), await market.GetRecentTrades(3));
        Assert.Equal(Enumerable.Reverse(trades), await market.GetRecentTrades(100));
        long[] newestFirst = [Mid - 1, Mid + 4, Mid + 3, Mid + 2, Mid + 1, Mid];
        Assert.Equal(newestFirst, (await market.GetRecentTrades(100)).Select(t => t.Price));
    }

    [Fact]
    public async Task Recent_trades_are_committed_state_and_survive_reactivation()
    {
        var market = await _cluster.CreateMarket(NewSymbol("RR"));
        await market.Execute(Limit(1, Side.Sell, Mid, 3));
        await market.Execute(Limit(2, Side.Buy, Mid, 1));
        await market.Execute(Limit(3, Side.Buy, Mid, 2));
        var before = await market.GetRecentTrades(100);
        Assert.Equal(2, before.Length);

        // Idle collection or a silo failure must not make acknowledged trades vanish from the market's answer.
        await _cluster.Cluster.DeactivateAsync(market);

        Assert.Equal(before, await market.GetRecentTrades(100));
    }

    [Fact]
    public async Task An_unsubscribed_observer_hears_nothing_more_while_others_still_do()
    {
        var symbol = NewSymbol("UN");
        var market = await _cluster.CreateMarket(symbol);
        var (leaving, staying) = (new Recorder(symbol), new Recorder(symbol));
        var leavingReference = _cluster.Client.CreateObjectReference<IMarketDataObserver>(leaving);
        var stayingReference = _cluster.Client.CreateObjectReference<IMarketDataObserver>(staying);
        await market.Subscribe(leavingReference);
        await market.Subscribe(stayingReference);
        var start = await market.GetBook(10_000);
        leaving.Start(start);
        staying.Start(start);

        await market.Execute(Limit(1, Side.Buy, Mid - 1, 3));
        await market.Execute(Limit(2, Side.Sell, Mid + 1, 4));
        var middle = await market.GetBook(10_000);
        await leaving.Reached(middle.Sequence, Deadline);
        await market.Unsubscribe(leavingReference);

        await market.Execute(Limit(2, Side.Sell, Mid - 1, 1));
        await market.Execute(Limit(3, Side.Buy, Mid - 5, 7));
        var final = await market.GetBook(10_000);
        await staying.Reached(final.Sequence, Deadline);

        Assert.Empty(staying.Violations);
        Assert.Equal(LocalBook.Levels(final.Bids), staying.Book.Bids);
        Assert.Equal(LocalBook.Levels(final.Asks), staying.Book.Asks);
        Assert.Equal(middle.Sequence, leaving.Received.Max(u => u.ToSequence));
        Assert.Equal(LocalBook.Levels(middle.Bids), leaving.Book.Bids);
        GC.KeepAlive(leaving);
        GC.KeepAlive(staying);
    }

    /// <summary>Mostly limit orders around the mid (some crossing), market and IOC orders, cancels and amends.</summary>
    private static MarketCommand RandomCommand(Random random, long account, List<long> mine)
    {
        var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
        // Buys from 12 below to 2 above the mid, sells the mirror image: the overlap trades.
        var price = side == Side.Buy ? Mid + random.Next(-12, 3) : Mid + random.Next(-2, 13);
        var size = random.Next(1, 21);
        var roll = random.Next(100);
        if (mine.Count == 0 && roll >= 65) roll = 0;
        return roll switch
        {
            < 50 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Limit, price, size,
                SelfTradePrevention: (SelfTradePrevention)random.Next(4))),
            < 55 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Limit, price, size, Flags: OrderFlags.PostOnly)),
            < 60 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Limit, price, size, TimeInForce.ImmediateOrCancel)),
            < 65 => new PlaceCommand(new PlaceOrder(account, side, OrderType.Market, 0, random.Next(1, 8))),
            < 80 => new CancelCommand(new CancelOrder(account, mine[random.Next(mine.Count)])),
            < 98 => new AmendCommand(new AmendOrder(account, mine[random.Next(mine.Count)], null,
                Mid + random.Next(-8, 9), random.Next(1, 21))),
            _ => new CancelAllCommand(account),
        };
    }

    /// <summary>
    /// A subscriber: buffers updates until it has a starting book, then applies them in sequence order, skipping
    /// those the starting book already covers. Orleans does not promise that one-way calls to a client arrive in
    /// the order they were sent, so updates are ordered here by FromSequence; anything that then does not chain is
    /// a violation, and a missing update shows as never reaching the sequence waited for.
    /// </summary>
    private sealed class Recorder(string symbol) : IMarketDataObserver
    {
        private readonly Lock _gate = new();
        private readonly List<MarketDataUpdate> _received = [];
        private readonly SortedDictionary<long, MarketDataUpdate> _waiting = [];
        private readonly List<PublicTrade> _trades = [];
        private readonly List<string> _violations = [];
        private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
        private LocalBook? _book;
        private long _start;
        private long _applied;
        private long _latestFrom = -1;
        private bool _appliedAny;
        private MarketDataUpdate? _last;

        public LocalBook Book { get { lock (_gate) return _book ?? throw new InvalidOperationException("not started"); } }

        public MarketDataUpdate? LastUpdate { get { lock (_gate) return _last; } }

        public PublicTrade[] Trades { get { lock (_gate) return [.. _trades]; } }

        public string[] Violations { get { lock (_gate) return [.. _violations]; } }

        public MarketDataUpdate[] Received { get { lock (_gate) return [.. _received]; } }

        /// <summary>Updates that arrived after one that follows them (buffered and applied in order, not a violation).</summary>
        public int OutOfOrderArrivals { get; private set; }

        public Task OnMarketData(MarketDataUpdate update)
        {
            lock (_gate)
            {
                _received.Add(update);
                if (update.Symbol != symbol) _violations.Add($"update for {update.Symbol}");
                if (update.FromSequence > update.ToSequence) _violations.Add($"update {update.FromSequence}..{update.ToSequence} is empty");
                if (!_waiting.TryAdd(update.FromSequence, update)) _violations.Add($"two updates start at {update.FromSequence}");
                if (update.FromSequence < _latestFrom) OutOfOrderArrivals++;
                _latestFrom = Math.Max(_latestFrom, update.FromSequence);
                if (_book is not null) Drain();
            }
            return Task.CompletedTask;
        }

        public void Start(BookView view)
        {
            lock (_gate)
            {
                _book = new LocalBook(view);
                _applied = _start = view.Sequence;
                Drain();
            }
        }

        /// <summary>Completes once the local book reflects <paramref name="sequence"/>; fails with what arrived if it does not in time.</summary>
        public async Task Reached(long sequence, TimeSpan timeout)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_book is not null && _applied >= sequence) return;
                _waiters.Add((sequence, done));
            }
            try
            {
                await done.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                    Assert.Fail($"the subscriber reached {_applied}, not {sequence}, within {timeout}; waiting updates: "
                        + string.Join(", ", _waiting.Values.Select(u => $"{u.FromSequence}..{u.ToSequence}"))
                        + "; violations: " + string.Join("; ", _violations));
            }
        }

        private void Drain()
        {
            while (_waiting.Count > 0)
            {
                var update = _waiting.First().Value;
                if (update.ToSequence <= _start)
                {
                    // Covered by the starting book (it may arrive late: delivery to a client is not ordered).
                    _waiting.Remove(update.FromSequence);
                    continue;
                }
                if (_appliedAny && update.FromSequence <= _applied)
                {
                    _violations.Add($"update {update.FromSequence}..{update.ToSequence} overlaps the previous one ending at {_applied}");
                    _waiting.Remove(update.FromSequence);
                    continue;
                }
                if (update.FromSequence > _applied + 1) break; // its predecessor has not arrived (yet)

                _waiting.Remove(update.FromSequence);
                foreach (var change in update.Levels) _book!.Apply(change);
                foreach (var trade in update.Trades)
                {
                    if (trade.Sequence < update.FromSequence || trade.Sequence > update.ToSequence)
                        _violations.Add($"trade at {trade.Sequence} outside its update {update.FromSequence}..{update.ToSequence}");
                    if (_trades.Count > 0 && trade.Sequence <= _trades[^1].Sequence)
                        _violations.Add($"trade at {trade.Sequence} after one at {_trades[^1].Sequence}");
                    _trades.Add(trade);
                }
                if (update.Levels.DistinctBy(l => (l.Side, l.Price)).Count() != update.Levels.Length)
                    _violations.Add($"update {update.FromSequence}..{update.ToSequence} names a level twice");
                _applied = update.ToSequence;
                _appliedAny = true;
                _last = update;
            }
            foreach (var waiter in _waiters.Where(w => w.Sequence <= _applied).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }
}
