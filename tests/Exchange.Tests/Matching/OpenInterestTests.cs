using Exchange.Journal;
using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Tests.Matching;

/// <summary>
/// The market's open-interest cap, held by the book when an order arrives: the book counts every account's position from
/// its own trades and transfers, and refuses an order whose opening part could take open interest past the cap. Reduce-only
/// and liquidation orders are never refused by it. The caps are journaled terms: set by a market-wide event, in the state
/// hash and the snapshot, reproduced by replay.
/// </summary>
public sealed class OpenInterestTests
{
    public static IEnumerable<object[]> Books => BookFactories.All;

    [Theory]
    [MemberData(nameof(Books))]
    public void Positions_and_open_interest_follow_trades_and_transfers(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 5);
        d.Buy(1, 100, 5);      // 1 long 5, 2 short 5
        Assert.Equal(5, d.Book.Positions.OpenInterest);
        d.Sell(1, 101, 3);
        d.Buy(3, 101, 3);      // 1 closes 3 of its 5, 3 opens 3: the sum of longs stays 5
        Assert.Equal(5, d.Book.Positions.OpenInterest);
        d.Sell(3, 102, 3);
        d.Buy(2, 102, 3);      // both close: 2 short 2, 3 flat
        Assert.Equal(2, d.Book.Positions.OpenInterest);
        Assert.Equal([new PositionEntry(1, 2), new PositionEntry(2, -2)], d.Book.Positions.Entries());

        d.SetLiquidation(new LiquidationRules(9));
        d.Transfer(new PositionTransfer(PositionTransferKind.Takeover, 1, 9, Side.Sell, 99, 2)); // the fund takes 1's long
        Assert.Equal([new PositionEntry(2, -2), new PositionEntry(9, 2)], d.Book.Positions.Entries());
        Assert.Equal(2, d.Book.Positions.OpenInterest);
    }

    [Theory]
    [MemberData(nameof(Books))]
    public void An_order_that_could_open_past_the_cap_is_refused_and_changes_nothing(BookFactory factory)
    {
        var d = new BookDriver(factory);
        Assert.Equal(EventKind.OpenInterestLimitsChanged, Assert.Single(d.SetOpenInterest(new OpenInterestLimits(MarketLots: 10))).Kind);
        d.Sell(2, 100, 8);
        d.Buy(1, 100, 8);                                   // open interest 8
        var sequence = d.Book.Sequence;
        var hash = d.Book.StateHash();

        // A taker that would open 3 more (11 > 10), and a resting order that could: both refused before acceptance.
        var taker = Assert.Single(d.Buy(3, 101, 3, TimeInForce.ImmediateOrCancel));
        Assert.Equal((EventKind.OrderRejected, RejectReason.OpenInterestLimit), (taker.Kind, taker.Reject));
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Sell(4, 105, 3)).Reject);
        Assert.Equal((sequence, hash), (d.Book.Sequence, d.Book.StateHash()));

        // Up to the cap is fine; an order that closes is fine at the cap, whoever it trades with.
        Assert.Contains(d.Sell(4, 105, 2), e => e.Kind == EventKind.OrderAccepted);
        Assert.Contains(d.Buy(3, 105, 2), e => e.Kind == EventKind.TradeExecuted); // open interest 10
        Assert.Equal(10, d.Book.Positions.OpenInterest);
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Buy(5, 90, 1)).Reject);
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Sell(5, 110, 4)).Reject); // even a sell that would only rest
        Assert.Equal(10, d.Book.Positions.OpenInterest);
        Assert.Contains(d.Sell(1, 95, 8), e => e.Kind == EventKind.OrderAccepted); // 1 closes its long of 8: allowed at the cap
    }

    [Theory]
    [MemberData(nameof(Books))]
    public void Reduce_only_and_liquidation_orders_are_never_refused_by_the_cap(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 5);
        d.Buy(1, 100, 5);
        d.Buy(3, 99, 5);                                    // a bid that rests before the cap exists
        d.SetOpenInterest(new OpenInterestLimits(MarketLots: 5)); // open interest 5: at the cap
        // 1 closes its long into 3's bid (3 opens as much as 1 closes: open interest stays 5).
        Assert.Contains(d.Sell(1, 99, 5, TimeInForce.ImmediateOrCancel, OrderFlags.ReduceOnly), e => e.Kind == EventKind.TradeExecuted);
        Assert.Equal(5, d.Book.Positions.OpenInterest);
        // 2 (short 5) buying 9 would open 4: refused as a plain order, accepted as a liquidation order (the book does not
        // judge whether a flagged order only reduces; the account does before sending it).
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Buy(2, 120, 9, TimeInForce.ImmediateOrCancel)).Reject);
        Assert.Contains(d.Place(new PlaceOrder(2, Side.Buy, OrderType.Limit, 120, 9, TimeInForce.ImmediateOrCancel,
            OrderFlags.ReduceOnly | OrderFlags.Liquidation)), e => e.Kind == EventKind.OrderAccepted);
    }

    [Theory]
    [MemberData(nameof(Books))]
    public void A_lowered_cap_refuses_growth_but_lets_every_position_close(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 8);
        d.Buy(1, 100, 8);
        d.SetOpenInterest(new OpenInterestLimits(MarketLots: 3));     // below the open interest of 8
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Buy(1, 90, 1)).Reject);
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Sell(2, 110, 1)).Reject);
        Assert.Contains(d.Sell(1, 101, 8), e => e.Kind == EventKind.OrderAccepted);  // closes 1's long
        Assert.Contains(d.Buy(2, 101, 8), e => e.Kind == EventKind.TradeExecuted);   // closes 2's short
        Assert.Equal(0, d.Book.Positions.OpenInterest);
        Assert.Empty(d.Book.Positions.Entries());
    }

    [Theory]
    [MemberData(nameof(Books))]
    public void An_amend_that_grows_or_crosses_is_held_to_the_cap_and_one_that_shrinks_is_not(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.SetOpenInterest(new OpenInterestLimits(MarketLots: 10));
        d.Sell(2, 100, 6);
        d.Buy(1, 100, 6);                                   // open interest 6
        var bid = d.Buy(3, 90, 4)[0].OrderId;               // could open 4: 10, at the cap
        Assert.Equal(RejectReason.OpenInterestLimit, Assert.Single(d.Amend(3, bid, 90, 5)).Reject);
        Assert.Equal(EventKind.OrderAmended, d.Amend(3, bid, 90, 3)[0].Kind);
        Assert.Equal(EventKind.OrderAmended, d.Amend(3, bid, 89, 3)[0].Kind); // moves without crossing or growing
    }

    [Theory]
    [MemberData(nameof(Books))]
    public void Limits_change_by_a_market_wide_event_and_bad_or_unchanged_ones_are_refused(BookFactory factory)
    {
        var d = new BookDriver(factory);
        var set = Assert.Single(d.SetOpenInterest(new OpenInterestLimits(100, 7)));
        Assert.Equal(new OpenInterestLimits(100, 7), set.OpenInterest);
        Assert.Equal(EventAudience.Market, EventKinds.AudienceOf(set.Kind));
        Assert.Equal((new OpenInterestLimits(100, 7), set.Sequence), (d.Book.Terms.OpenInterest, d.Book.Terms.MarketWideSequence));
        Assert.Equal(RejectReason.NoChange, Assert.Single(d.SetOpenInterest(new OpenInterestLimits(100, 7))).Reject);
        Assert.Equal(RejectReason.InvalidOpenInterestLimits, Assert.Single(d.SetOpenInterest(new OpenInterestLimits(-1, 7))).Reject);
        Assert.Equal(RejectReason.InvalidOpenInterestLimits, Assert.Single(d.SetOpenInterest(new OpenInterestLimits(1, -7))).Reject);
        d.SetOpenInterest(OpenInterestLimits.None);
        Assert.Null(d.Book.Terms.OpenInterest);
        Assert.Equal(RejectReason.NoChange, Assert.Single(d.SetOpenInterest(OpenInterestLimits.None)).Reject);
    }

    [Fact]
    public void A_spec_with_caps_starts_with_them_in_its_terms_and_a_spec_with_negative_caps_is_refused()
    {
        var spec = BookDriver.DefaultSpec with { OpenInterest = new OpenInterestLimits(50, 5) };
        Assert.Equal(new OpenInterestLimits(50, 5), new FastOrderBook(spec).Terms.OpenInterest);
        Assert.Null(new FastOrderBook(BookDriver.DefaultSpec with { OpenInterest = OpenInterestLimits.None }).Terms.OpenInterest);
        Assert.NotNull((BookDriver.DefaultSpec with { OpenInterest = new OpenInterestLimits(-1) }).Problem());
    }

    [Fact]
    public void Caps_and_positions_are_in_the_state_hash_the_snapshot_and_the_journal_and_come_back_exactly()
    {
        var book = new FastOrderBook(BookDriver.DefaultSpec);
        var events = new EventBuffer();
        var journal = new List<JournalEntry>();
        void Run(Exchange.Markets.MarketCommand command, long now)
        {
            events.Clear();
            Exchange.Markets.MarketCommandRunner.Run(book, command, now, events);
            journal.Add(new JournalEntry(command, now, [.. events.Events]));
        }
        Run(new Exchange.Markets.SetOpenInterestLimitsCommand(new OpenInterestLimits(20, 9)), 1);
        Run(new Exchange.Markets.PlaceCommand(new PlaceOrder(2, Side.Sell, OrderType.Limit, 100, 6)), 2);
        Run(new Exchange.Markets.PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 100, 4)), 3);
        Run(new Exchange.Markets.PlaceCommand(new PlaceOrder(3, Side.Buy, OrderType.Limit, 100, 2)), 4);

        // Another book with the same orders but without the caps, or with other positions, hashes differently.
        var hash = book.StateHash();
        var noCaps = new FastOrderBook(BookDriver.DefaultSpec, book.Capture() with { Terms = book.Terms with { OpenInterest = null } });
        Assert.NotEqual(hash, noCaps.StateHash());
        var otherPositions = new FastOrderBook(BookDriver.DefaultSpec, book.Capture() with { Positions = [new PositionEntry(1, 6), new PositionEntry(2, -6)] });
        Assert.NotEqual(hash, otherPositions.StateHash());

        // The snapshot through the codec: format 5 (terms part bit 4, positions), and the same hash.
        var bytes = JournalCodec.EncodeSnapshot(book.Capture());
        Assert.Equal(5, bytes[0]);
        var decoded = JournalCodec.DecodeSnapshot(bytes);
        Assert.Equal([new PositionEntry(1, 4), new PositionEntry(2, -6), new PositionEntry(3, 2)], decoded.Positions!);
        Assert.Equal(new OpenInterestLimits(20, 9), decoded.Terms!.OpenInterest);
        Assert.Equal(hash, new FastOrderBook(BookDriver.DefaultSpec, decoded).StateHash());
        Assert.Equal(hash, new ReferenceOrderBook(BookDriver.DefaultSpec, decoded).StateHash());

        // Replaying the journal (through its binary form) from an empty book gives the same events and the same state.
        var replayed = new FastOrderBook(BookDriver.DefaultSpec);
        foreach (var entry in JournalCodec.DecodeEntries(JournalCodec.EncodeEntries(journal)))
        {
            events.Clear();
            Exchange.Markets.MarketCommandRunner.Run(replayed, entry.Command, entry.Timestamp, events);
            Assert.Equal(entry.Events, events.Events.ToArray());
        }
        Assert.Equal(hash, replayed.StateHash());
        Assert.Equal(6, replayed.Positions.OpenInterest);
    }
}
