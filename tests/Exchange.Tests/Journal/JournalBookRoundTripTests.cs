using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Journal;

/// <summary>
/// The codec against what a real book produces: journal a few thousand random commands with their events,
/// read them back, replay them as recovery would, and rebuild books from encoded snapshots.
/// </summary>
public sealed class JournalBookRoundTripTests
{
    /// <summary>A narrow price range so that orders meet: trades, partial fills, amends and uncrosses all happen.</summary>
    private static readonly MarketSpec Spec = new("JRNL-PERP", TickSize: 0.5m, LotSize: 0.001m,
        MinPrice: 1, MaxPrice: 200, MinSize: 1, MaxSize: 100, MarketProtectionTicks: 5);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Journaled_commands_decode_to_the_same_entries_and_replay_to_the_same_events(int seed)
    {
        var source = new CommandSource(seed);
        var book = new FastOrderBook(Spec);
        var events = new EventBuffer();
        var journal = new List<JournalEntry>();
        for (var i = 0; i < 3_000; i++)
        {
            var (command, timestamp) = source.Next();
            events.Clear();
            MarketCommandRunner.Run(book, command, timestamp, events);
            source.Observe(events.Events);
            journal.Add(new JournalEntry(command, timestamp, events.ToArray()));
        }
        Assert.Contains(journal, e => e.Events.Any(x => x.Kind == EventKind.TradeExecuted));
        Assert.Contains(journal, e => e.Events.Any(x => x.Kind == EventKind.AuctionUncrossed));
        Assert.Contains(journal, e => e.Events.Any(x => x.Kind == EventKind.OrderAmended));
        Assert.Contains(journal, e => e.Events.Any(x => x.Kind == EventKind.BreakerRulesChanged));
        Assert.Contains(journal, e => e.Events.Any(x => x is { Kind: EventKind.ModeChanged, Actor: ModeActor.Breaker }));
        Assert.Contains(journal, e => e.Events.Any(x => x.Kind == EventKind.ConditionalAccepted));
        Assert.Contains(journal, e => e.Events.Any(x => x.Kind == EventKind.ConditionalCancelled));
        Assert.Contains(journal, e => e.Command is not PlaceConditionalCommand && e.Events.Any(x => x.Kind == EventKind.ConditionalTriggered));

        // Encode in batches of varying size, as the market grain cuts them.
        var decoded = new List<JournalEntry>();
        var random = new Random(seed);
        for (var start = 0; start < journal.Count;)
        {
            var batch = journal.GetRange(start, Math.Min(random.Next(1, 80), journal.Count - start));
            var bytes = JournalCodec.EncodeEntries(batch);
            var back = JournalCodec.DecodeEntries(bytes);
            JournalAssert.Equal(batch, back);
            decoded.AddRange(back);
            start += batch.Count;
        }

        // Recovery runs the decoded commands again and requires exactly the decoded events.
        var replayed = new FastOrderBook(Spec);
        foreach (var entry in decoded)
        {
            events.Clear();
            MarketCommandRunner.Run(replayed, entry.Command, entry.Timestamp, events);
            Assert.Equal(entry.Events, events.ToArray());
        }
        Assert.Equal(book.StateHash(), replayed.StateHash());
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void A_book_rebuilt_from_an_encoded_snapshot_is_the_same_book(int seed)
    {
        var source = new CommandSource(seed);
        var book = new FastOrderBook(Spec);
        var events = new EventBuffer();
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 600; i++)
            {
                var (command, timestamp) = source.Next();
                events.Clear();
                MarketCommandRunner.Run(book, command, timestamp, events);
                source.Observe(events.Events);
            }

            var snapshot = book.Capture();
            var decoded = JournalCodec.DecodeSnapshot(JournalCodec.EncodeSnapshot(snapshot));
            JournalAssert.Equal(snapshot, decoded);
            var rebuilt = new FastOrderBook(Spec, decoded);
            rebuilt.CheckConsistency();
            Assert.Equal(book.StateHash(), rebuilt.StateHash());

            // The rebuilt book must also behave the same from here on.
            var twin = new CommandSource(seed * 1_000 + round);
            var rebuiltEvents = new EventBuffer();
            for (var i = 0; i < 200; i++)
            {
                var (command, timestamp) = twin.Next();
                events.Clear();
                rebuiltEvents.Clear();
                MarketCommandRunner.Run(book, command, timestamp, events);
                MarketCommandRunner.Run(rebuilt, command, timestamp, rebuiltEvents);
                Assert.Equal(events.ToArray(), rebuiltEvents.ToArray());
                twin.Observe(events.Events);
                source.Observe(events.Events);
            }
            Assert.Equal(book.StateHash(), rebuilt.StateHash());
        }
        Assert.True(book.RestingOrderCount > 0);
    }

    /// <summary>
    /// Random commands of every kind, mostly sensible, sometimes not (bad accounts, prices, sizes, client ids,
    /// unknown orders, wrong modes), aimed at orders that exist often enough to cancel, amend and trade.
    /// </summary>
    private sealed class CommandSource(int seed)
    {
        private static readonly SelfTradePrevention[] Stps = Enum.GetValues<SelfTradePrevention>();

        private readonly Random _random = new(seed);
        private readonly List<(long OrderId, long AccountId, string? ClientOrderId)> _accepted = [];
        private readonly List<(long Id, long AccountId, string? ClientOrderId)> _conditionals = [];
        private long _timestamp = 1_700_000_000_000_000;
        private int _clientIds;

        public (MarketCommand Command, long Timestamp) Next()
        {
            _timestamp += _random.Next(10) < 3 ? 0 : _random.Next(1, 5_000);
            var roll = _random.Next(100);
            MarketCommand command;
            // Conditional orders beside the book: placed, sometimes cancelled, fired by whatever moves the price.
            if (_random.Next(100) < 8) return (Conditional(), _timestamp);
            if (roll < 60) command = new PlaceCommand(NewOrder());
            else if (roll < 72)
            {
                var (accountId, orderId, clientOrderId) = Target();
                command = new CancelCommand(new CancelOrder(accountId, orderId, clientOrderId));
            }
            else if (roll < 86)
            {
                var (accountId, orderId, clientOrderId) = Target();
                command = new AmendCommand(new AmendOrder(accountId, orderId, clientOrderId, Price(), Size()));
            }
            else if (roll < 89) command = new CancelAllCommand(Account());
            else if (roll < 95) command = new SetModeCommand(Mode());
            else if (roll < 97) command = new UncrossCommand(_random.Next(20) == 0 ? 0 : Price());
            else if (roll < 98) command = new ReopenCommand(Price(), new ModeCause(ModeActor.Breaker, "reopened"));
            else command = new SetBreakerRulesCommand(_random.Next(5) switch
            {
                0 => BreakerRules.Off,
                1 => new BreakerRules(600),
                2 => new BreakerRules(0, 300, 5),
                3 => new BreakerRules(800, 400, 20),
                _ => new BreakerRules(-1), // refused
            });
            return (command, _timestamp);
        }

        private MarketCommand Conditional()
        {
            if (_conditionals.Count > 0 && _random.Next(4) == 0)
            {
                var (id, account, clientId) = _conditionals[_random.Next(_conditionals.Count)];
                return _random.Next(3) == 0 ? new CancelConditionalCommand(account, 0, clientId) : new CancelConditionalCommand(account, id);
            }
            var kind = (TriggerKind)_random.Next(3);
            var order = NewOrder() with { ClientOrderId = _random.Next(8) == 0 ? null : $"t-{++_clientIds}" };
            if (order.Type == OrderType.Market) order = order with { Price = 0 };
            return new PlaceConditionalCommand(new ConditionalTerms(kind, (TriggerSource)_random.Next(2),
                kind == TriggerKind.TrailingStop ? 0 : Price(), kind == TriggerKind.TrailingStop ? _random.Next(5, 1_200) : 0, order));
        }

        public void Observe(ReadOnlySpan<MarketEvent> events)
        {
            foreach (var e in events)
                if (e.Kind == EventKind.ConditionalAccepted) _conditionals.Add((e.OrderId, e.AccountId, e.ClientOrderId));
            if (_conditionals.Count > 100) _conditionals.RemoveRange(0, 50);
            foreach (var e in events)
                if (e.Kind == EventKind.OrderAccepted) _accepted.Add((e.OrderId, e.AccountId, e.ClientOrderId));
            if (_accepted.Count > 400) _accepted.RemoveRange(0, 200);
        }

        private PlaceOrder NewOrder()
        {
            var market = _random.Next(8) == 0;
            var tif = _random.Next(10) switch { < 8 => TimeInForce.GoodTillCancel, 8 => TimeInForce.ImmediateOrCancel, _ => TimeInForce.FillOrKill };
            var flags = _random.Next(10) switch { 0 => OrderFlags.PostOnly, 1 => OrderFlags.ReduceOnly, _ => OrderFlags.None };
            return new PlaceOrder(Account(), _random.Next(2) == 0 ? Side.Buy : Side.Sell,
                market ? OrderType.Market : OrderType.Limit, market ? (_random.Next(30) == 0 ? 7 : 0) : Price(), Size(),
                tif, flags, Stps[_random.Next(Stps.Length)], ClientOrderId());
        }

        /// <summary>An order to cancel or amend: usually one that was accepted (by id or client id), sometimes not.</summary>
        private (long AccountId, long OrderId, string? ClientOrderId) Target()
        {
            if (_accepted.Count == 0 || _random.Next(10) == 0) return (Account(), _random.Next(0, 5_000), null);
            var (id, account, clientId) = _accepted[_random.Next(_accepted.Count)];
            var accountId = _random.Next(15) == 0 ? Account() : account;
            return clientId is not null && _random.Next(2) == 0 ? (accountId, 0, clientId) : (accountId, id, null);
        }

        private long Account() => _random.Next(40) == 0 ? 0 : _random.Next(1, 7);

        private long Price() => _random.Next(40) == 0 ? Spec.MaxPrice + 1 : Math.Clamp(100 + _random.Next(-15, 16), 1, 200);

        private long Size() => _random.Next(50) == 0 ? 0 : _random.Next(1, 31);

        private MarketMode Mode() => _random.Next(10) switch
        {
            < 3 => MarketMode.Auction,
            < 7 => MarketMode.Open,
            7 => MarketMode.PostOnly,
            8 => MarketMode.CancelOnly,
            _ => MarketMode.Halted,
        };

        private string? ClientOrderId() => _random.Next(10) switch
        {
            < 6 => null,
            6 when _accepted.Count > 0 => _accepted[_random.Next(_accepted.Count)].ClientOrderId,  // often a duplicate
            7 => "bad id ü",                                                                       // invalid: space, non-ASCII
            _ => $"c-{++_clientIds}",
        };
    }
}
