using Exchange.Matching;

namespace Exchange.Tests.Matching;

public sealed class SequenceAndRejectionTests
{
    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Every_state_changing_event_takes_the_next_sequence_with_no_gaps(BookFactory factory)
    {
        var d = new BookDriver(factory);
        Assert.Equal(0, d.Book.Sequence);

        d.Sell(1, 100, 2);                    // 1 accepted
        d.Sell(2, 101, 2);                    // 2 accepted
        d.Buy(3, 0, 1);                       // rejected: no sequence
        d.Buy(3, 101, 5);                     // 3 accepted, 4 + 5 trades, rest rests
        d.Amend(3, 3, 101, 2);                // 6 amended
        d.Buy(4, 99, 1, TimeInForce.FillOrKill); // 7 accepted, 8 killed
        d.SetMode(MarketMode.Auction);        // 9
        d.Sell(4, 101, 1);                    // 10
        d.Uncross(101);                       // 11 uncrossed, 12 trade, 13 mode
        d.CancelAll(3);                       // 14 cancelled

        var changes = d.History.Where(e => e.Kind != EventKind.OrderRejected).Select(e => e.Sequence);
        Assert.Equal(Enumerable.Range(1, 14).Select(i => (long)i), changes);
        Assert.Equal(14, d.Book.Sequence);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_rejection_carries_the_current_sequence_and_does_not_advance_it(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5);

        var reject = Expect.Rejection(d.Buy(0, 100, 5), RejectReason.InvalidAccount);
        var next = d.Buy(2, 90, 5);

        Assert.Equal(1, reject.Sequence);
        Assert.Equal((2L, 2L), (next[0].Sequence, next[0].OrderId));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Every_event_carries_the_timestamp_of_its_command(BookFactory factory)
    {
        var book = factory.Create(BookDriver.DefaultSpec, MarketMode.Open);
        var events = new EventBuffer();

        book.Place(new PlaceOrder(1, Side.Sell, OrderType.Limit, 100, 5), 111, events);
        book.Place(new PlaceOrder(1, Side.Sell, OrderType.Limit, 101, 5), 222, events);
        book.Place(new PlaceOrder(2, Side.Buy, OrderType.Market, 0, 20), 12_345, events);
        book.Place(new PlaceOrder(0, Side.Buy, OrderType.Limit, 100, 5), 99_999, events);

        Assert.Equal([111L, 222, 12_345, 12_345, 12_345, 12_345, 99_999], events.ToArray().Select(e => e.Timestamp));
        Assert.Equal(0, book.RestingOrderCount);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_resting_order_remembers_when_it_was_accepted(BookFactory factory)
    {
        var book = factory.Create(BookDriver.DefaultSpec, MarketMode.Open);
        var events = new EventBuffer();

        book.Place(new PlaceOrder(1, Side.Sell, OrderType.Limit, 100, 5), 500, events);
        book.Place(new PlaceOrder(2, Side.Buy, OrderType.Limit, 100, 2), 600, events);

        Assert.True(book.TryGetOrder(1, out var order));
        Assert.Equal((500L, 3L), (order.AcceptedAt, order.Remaining));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void No_kind_of_rejection_changes_the_state_hash_or_the_sequence(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Buy(1, 99, 5, clientOrderId: "a");                  // 1
        d.Sell(2, 101, 5, flags: OrderFlags.PostOnly);        // 2
        var hash = d.Book.StateHash();
        var sequence = d.Book.Sequence;

        // The driver checks hash and sequence after each of these; this spells out that every reason is covered.
        var reasons = new List<RejectReason>
        {
            Expect.Rejection(d.Buy(0, 99, 5), RejectReason.InvalidAccount).Reject,
            Expect.Rejection(d.Buy(1, 2_000, 5), RejectReason.InvalidPrice).Reject,
            Expect.Rejection(d.Buy(1, 99, 0), RejectReason.InvalidSize).Reject,
            Expect.Rejection(d.Buy(1, 99, 5, clientOrderId: ""), RejectReason.InvalidClientOrderId).Reject,
            Expect.Rejection(d.Buy(1, 99, 5, TimeInForce.ImmediateOrCancel, OrderFlags.PostOnly), RejectReason.InvalidOrderTerms).Reject,
            Expect.Rejection(d.Buy(1, 98, 5, clientOrderId: "a"), RejectReason.DuplicateClientOrderId).Reject,
            Expect.Rejection(d.Buy(3, 101, 5, flags: OrderFlags.PostOnly), RejectReason.PostOnlyWouldTake).Reject,
            Expect.Rejection(d.Cancel(3, 1), RejectReason.OrderNotFound).Reject,
            Expect.Rejection(d.Amend(1, 1, 99, 5), RejectReason.NoChange).Reject,
            Expect.Rejection(d.Amend(2, 2, 99, 5), RejectReason.PostOnlyWouldTake).Reject,
            Expect.Rejection(d.Uncross(100), RejectReason.NotInAuction).Reject,
            Expect.Rejection(d.SetMode(MarketMode.Open), RejectReason.InvalidMode).Reject,
            Expect.Rejection(d.SetRisk(MarketRisk.Default with { TakerFeeBps = -1 }), RejectReason.InvalidRisk).Reject,
            Expect.Rejection(d.SetMode(MarketMode.Halted, new ModeCause(ModeActor.Breaker, "")), RejectReason.InvalidReason).Reject,
            Expect.Rejection(d.SetMark(0), RejectReason.NoChange).Reject,
            Expect.Rejection(d.SetMark(2_000), RejectReason.InvalidPrice).Reject,
            Expect.Rejection(d.Index(new IndexTick(100, Exchange.Pricing.IndexStatus.Fresh, 0, -1)), RejectReason.NoIndex).Reject,
            Expect.Rejection(d.Amend(new AmendOrder(1, 1, null, 99, 7, ExpectedRemaining: 4)), RejectReason.RemainingChanged).Reject,
            Expect.Rejection(d.SetBreaker(new BreakerRules(BandBps: -1)), RejectReason.InvalidBreakerRules).Reject,
            Expect.Rejection(d.SetLiquidation(new Exchange.Risk.LiquidationRules(0)), RejectReason.InvalidLiquidationRules).Reject,
            Expect.Rejection(d.Fee(1, 10), RejectReason.NoLiquidationRules).Reject,
        };
        d.SetLiquidation(new Exchange.Risk.LiquidationRules(9));
        hash = d.Book.StateHash();
        sequence = d.Book.Sequence;
        reasons.Add(Expect.Rejection(d.Transfer(new Exchange.Risk.PositionTransfer(Exchange.Risk.PositionTransferKind.Takeover, 1, 2, Side.Sell, 99, 1)),
            RejectReason.InvalidTransfer).Reject);
        // Nobody holds a position yet: the fund cannot take over what account 1 does not hold.
        reasons.Add(Expect.Rejection(d.Transfer(new Exchange.Risk.PositionTransfer(Exchange.Risk.PositionTransferKind.Takeover, 1, 9, Side.Sell, 99, 1)),
            RejectReason.TransferBeyondPosition).Reject);
        reasons.Add(Expect.Rejection(d.Fee(9, 10), RejectReason.InvalidAccount).Reject);
        reasons.Add(Expect.Rejection(d.Funding(0), RejectReason.FundingNotDue).Reject);
        reasons.Add(Expect.Rejection(d.SetOpenInterest(new Exchange.Risk.OpenInterestLimits(-1)), RejectReason.InvalidOpenInterestLimits).Reject);
        d.SetOpenInterest(new Exchange.Risk.OpenInterestLimits(MarketLots: 3));
        hash = d.Book.StateHash();
        sequence = d.Book.Sequence;
        reasons.Add(Expect.Rejection(d.Buy(4, 90, 4), RejectReason.OpenInterestLimit).Reject);
        d.SetOpenInterest(Exchange.Risk.OpenInterestLimits.None);
        hash = d.Book.StateHash();
        sequence = d.Book.Sequence;
        Assert.Equal(hash, d.Book.StateHash());
        Assert.Equal(sequence, d.Book.Sequence);

        d.SetMode(MarketMode.Auction);
        Expect.Rejection(d.Buy(3, 99, 5, TimeInForce.FillOrKill), RejectReason.MarketInAuction);
        d.Buy(3, 101, 5); // crosses order 2: the book is now crossed
        Expect.Rejection(d.SetMode(MarketMode.Open), RejectReason.BookCrossed);
        d.SetMode(MarketMode.CancelOnly);
        Expect.Rejection(d.Buy(3, 90, 5), RejectReason.MarketCancelOnly);
        d.SetMode(MarketMode.Halted);
        Expect.Rejection(d.Cancel(1, 1), RejectReason.MarketHalted);
        d.SetMode(MarketMode.Auction);
        d.Uncross(100);
        d.SetMode(MarketMode.PostOnly);
        Expect.Rejection(d.MarketSell(1, 5), RejectReason.MarketPostOnly);
        d.SetMode(MarketMode.Open);
        d.CancelAll(1);
        d.CancelAll(3);
        Expect.Rejection(d.MarketSell(1, 5), RejectReason.NoLiquidity);
        d.SetBreaker(new BreakerRules(BandBps: 100));
        d.Sell(1, 100, 1);
        d.Buy(3, 100, 1);
        Expect.Rejection(d.Buy(3, 102, 1), RejectReason.PriceOutsideBand); // 100 +- 1

        var seen = d.History.Where(e => e.Kind == EventKind.OrderRejected).Select(e => e.Reject).ToHashSet();
        // Overloaded is the market grain's refusal under load (LoadShedding), never the book's: tested there.
        // The trigger book's own reasons are covered, the same way, in TriggerBookTests.
        var all = Enum.GetValues<RejectReason>().Where(r => r is not (RejectReason.None or RejectReason.Overloaded) && !TriggerBookTests.Reasons.Contains(r));
        Assert.Empty(all.Except(seen));
        Assert.Equal(27, reasons.Count);
    }
}
