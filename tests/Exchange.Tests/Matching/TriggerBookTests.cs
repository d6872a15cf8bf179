using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>The trigger book on its own: when each kind fires, trailing, order of firing, ids, client ids and the hash.</summary>
public sealed class TriggerBookTests
{
    /// <summary>The event kinds and rejection reasons only the trigger book gives (the books' own tests leave them to these).</summary>
    public static readonly EventKind[] Kinds = [EventKind.ConditionalAccepted, EventKind.ConditionalCancelled, EventKind.ConditionalTriggered];

    public static readonly RejectReason[] Reasons = [RejectReason.InvalidTrigger, RejectReason.WouldTriggerImmediately];

    private static readonly MarketSpec Spec = new("TRIG-PERP", TickSize: 0.5m, LotSize: 0.001m,
        MinPrice: 1, MaxPrice: 1_000_000, MinSize: 1, MaxSize: 1_000_000, MarketProtectionTicks: 100);

    private static ConditionalTerms Terms(TriggerKind kind, Side side, long trigger, int callbackBps = 0,
        TriggerSource source = TriggerSource.MarkPrice, string? clientOrderId = null, long account = 7) =>
        new(kind, source, trigger, callbackBps, new PlaceOrder(account, side, OrderType.Market, 0, 10, ClientOrderId: clientOrderId));

    private static List<long> Fire(TriggerBook book, long mark, long last = 0)
    {
        var fired = new List<ConditionalOrder>();
        book.Collect(mark, last, fired);
        return [.. fired.Select(o => o.Id)];
    }

    [Theory]
    [InlineData(TriggerKind.Stop, Side.Buy, 1_000, 999, false)]
    [InlineData(TriggerKind.Stop, Side.Buy, 1_000, 1_000, true)]
    [InlineData(TriggerKind.Stop, Side.Sell, 1_000, 1_001, false)]
    [InlineData(TriggerKind.Stop, Side.Sell, 1_000, 1_000, true)]
    [InlineData(TriggerKind.TakeProfit, Side.Buy, 1_000, 1_001, false)]
    [InlineData(TriggerKind.TakeProfit, Side.Buy, 1_000, 1_000, true)]
    [InlineData(TriggerKind.TakeProfit, Side.Sell, 1_000, 999, false)]
    [InlineData(TriggerKind.TakeProfit, Side.Sell, 1_000, 1_000, true)]
    public void Stops_and_take_profits_fire_when_the_price_reaches_the_trigger_from_their_side(
        TriggerKind kind, Side side, long trigger, long price, bool fires)
    {
        var book = new TriggerBook();
        book.Add(Terms(kind, side, trigger), currentPrice: 0, timestamp: 1);
        Assert.Equal(fires ? [1L] : [], Fire(book, price));
        Assert.Equal(fires ? 0 : 1, book.Count);
    }

    [Fact]
    public void A_trailing_sell_follows_the_highest_price_and_fires_the_callback_below_it()
    {
        var book = new TriggerBook();
        // 100 bps below the highest price seen: starts following from 10,000.
        var order = book.Add(Terms(TriggerKind.TrailingStop, Side.Sell, 0, callbackBps: 100), currentPrice: 10_000, timestamp: 1);
        Assert.Equal((10_000, 9_900), (order.Extreme, order.EffectiveTrigger));
        Assert.Empty(Fire(book, 9_901));                          // above 9,900: nothing
        Assert.Empty(Fire(book, 12_000));                         // a new high moves the stop up to 11,880
        Assert.Equal((12_000, 11_880), (book.Orders[0].Extreme, book.Orders[0].EffectiveTrigger));
        Assert.Empty(Fire(book, 11_000 + 881));                   // 11,881: still above
        Assert.Empty(Fire(book, 11_990));                         // lower than the high: the high stays
        Assert.Equal(12_000, book.Orders[0].Extreme);
        Assert.Equal([1L], Fire(book, 11_880));
    }

    [Fact]
    public void A_trailing_buy_follows_the_lowest_price_and_fires_the_callback_above_it()
    {
        var book = new TriggerBook();
        book.Add(Terms(TriggerKind.TrailingStop, Side.Buy, 0, callbackBps: 500, source: TriggerSource.LastPrice), currentPrice: 0, timestamp: 1);
        Assert.Empty(Fire(book, mark: 5, last: 0));               // no last price yet: it has nothing to follow
        Assert.Equal(0, book.Orders[0].Extreme);
        Assert.Empty(Fire(book, mark: 0, last: 2_000));           // starts at 2,000: fires at 2,100
        Assert.Empty(Fire(book, mark: 0, last: 1_000));           // new low: fires at 1,050
        Assert.Equal(1_050, book.Orders[0].EffectiveTrigger);
        Assert.Empty(Fire(book, mark: 9_999, last: 1_049));       // the mark does not concern it
        Assert.Equal([1L], Fire(book, mark: 0, last: 1_050));
    }

    [Fact]
    public void A_trailing_distance_is_at_least_one_tick_and_exact_in_integers()
    {
        var book = new TriggerBook();
        var small = book.Add(Terms(TriggerKind.TrailingStop, Side.Sell, 0, callbackBps: 10), currentPrice: 50, timestamp: 1);
        Assert.Equal(49, small.EffectiveTrigger);                 // 50 x 10 bps = 0.05 ticks, rounded down, at least 1
        var large = book.Add(Terms(TriggerKind.TrailingStop, Side.Buy, 0, callbackBps: 1_000), currentPrice: 999_999, timestamp: 1);
        Assert.Equal(999_999 + 99_999, large.EffectiveTrigger);
    }

    [Fact]
    public void Orders_fire_in_the_order_they_were_accepted_and_the_rest_stay()
    {
        var book = new TriggerBook();
        book.Add(Terms(TriggerKind.Stop, Side.Sell, 900), 1_000, 1);          // 1
        book.Add(Terms(TriggerKind.Stop, Side.Sell, 950), 1_000, 2);          // 2
        book.Add(Terms(TriggerKind.TakeProfit, Side.Sell, 1_100), 1_000, 3);  // 3
        book.Add(Terms(TriggerKind.Stop, Side.Sell, 920), 1_000, 4);          // 4
        Assert.Equal([1L, 2L, 4L], Fire(book, 900));
        Assert.Equal([3L], book.Orders.Select(o => o.Id));
        Assert.Equal(5, book.NextId);
        Assert.Empty(Fire(book, 0));                                           // no price: nothing fires
    }

    [Fact]
    public void An_order_is_cancelled_only_by_its_account_and_its_client_order_id_is_freed_when_it_goes()
    {
        var book = new TriggerBook();
        var order = book.Add(Terms(TriggerKind.Stop, Side.Buy, 1_200, clientOrderId: "sl-1"), 1_000, 1);
        Assert.Equal(order.Id, book.FindByClientId(7, "sl-1"));
        Assert.Equal(0, book.FindByClientId(8, "sl-1"));
        Assert.False(book.TryRemove(8, order.Id, out _));
        Assert.False(book.TryRemove(7, 99, out _));
        Assert.True(book.TryGet(order.Id, out _));
        Assert.True(book.TryRemove(7, order.Id, out var removed));
        Assert.Equal(order, removed);
        Assert.Equal(0, book.FindByClientId(7, "sl-1"));

        book.Add(Terms(TriggerKind.Stop, Side.Buy, 1_200, clientOrderId: "sl-2"), 1_000, 2);
        Assert.Single(Fire(book, 1_300));
        Assert.Equal(0, book.FindByClientId(7, "sl-2"));
    }

    [Fact]
    public void Terms_are_checked_against_the_spec_and_the_current_price()
    {
        Assert.Equal(RejectReason.None, TriggerBook.Check(Spec, Terms(TriggerKind.Stop, Side.Buy, 1_200), 1_000));
        Assert.Equal(RejectReason.WouldTriggerImmediately, TriggerBook.Check(Spec, Terms(TriggerKind.Stop, Side.Buy, 1_000), 1_000));
        Assert.Equal(RejectReason.WouldTriggerImmediately, TriggerBook.Check(Spec, Terms(TriggerKind.TakeProfit, Side.Sell, 900), 1_000));
        Assert.Equal(RejectReason.None, TriggerBook.Check(Spec, Terms(TriggerKind.Stop, Side.Buy, 1), 0)); // no price yet
        Assert.Equal(RejectReason.InvalidTrigger, TriggerBook.Check(Spec, Terms(TriggerKind.Stop, Side.Buy, 0), 1_000));
        Assert.Equal(RejectReason.InvalidTrigger, TriggerBook.Check(Spec, Terms(TriggerKind.Stop, Side.Buy, 2_000_000), 1_000));
        Assert.Equal(RejectReason.InvalidTrigger, TriggerBook.Check(Spec, Terms(TriggerKind.Stop, Side.Buy, 1_200, callbackBps: 50), 1_000));
        Assert.Equal(RejectReason.InvalidTrigger, TriggerBook.Check(Spec, Terms(TriggerKind.TrailingStop, Side.Sell, 0, callbackBps: 9), 1_000));
        Assert.Equal(RejectReason.InvalidTrigger, TriggerBook.Check(Spec, Terms(TriggerKind.TrailingStop, Side.Sell, 900, callbackBps: 100), 1_000));
        Assert.Equal(RejectReason.None, TriggerBook.Check(Spec, Terms(TriggerKind.TrailingStop, Side.Sell, 0, callbackBps: 1_000), 1_000));
        var postOnly = Terms(TriggerKind.Stop, Side.Buy, 1_200) is var t ? t with { Order = t.Order with { Type = OrderType.Limit, Price = 1_250, Flags = OrderFlags.PostOnly } } : default;
        Assert.Equal(RejectReason.InvalidOrderTerms, TriggerBook.Check(Spec, postOnly, 1_000));
        var tooBig = Terms(TriggerKind.Stop, Side.Buy, 1_200) is var u ? u with { Order = u.Order with { Size = 2_000_000 } } : default;
        Assert.Equal(RejectReason.InvalidSize, TriggerBook.Check(Spec, tooBig, 1_000));
        Assert.Equal(RejectReason.InvalidOrderTerms, TriggerBook.Check(Spec, Terms((TriggerKind)9, Side.Buy, 1_200), 1_000));
    }

    [Fact]
    public void A_book_rebuilt_from_its_orders_has_the_same_hash_and_fires_the_same()
    {
        var random = new Random(42);
        var book = new TriggerBook();
        for (var i = 0; i < 200; i++)
        {
            var kind = (TriggerKind)random.Next(3);
            var side = (Side)random.Next(2);
            book.Add(kind == TriggerKind.TrailingStop
                    ? Terms(kind, side, 0, callbackBps: random.Next(10, 1_001), source: (TriggerSource)random.Next(2))
                    : Terms(kind, side, random.Next(500, 1_500), source: (TriggerSource)random.Next(2), clientOrderId: $"c{i}"),
                currentPrice: 0, timestamp: i);
        }
        var copy = new TriggerBook(book.NextId, book.Orders);
        Assert.Equal(book.StateHash(), copy.StateHash());
        for (var step = 0; step < 100; step++)
        {
            var (mark, last) = (random.Next(400, 1_600), random.Next(400, 1_600));
            Assert.Equal(Fire(book, mark, last), Fire(copy, mark, last));
            Assert.Equal(book.StateHash(), copy.StateHash());
        }
        Assert.NotEqual(new TriggerBook().StateHash(), book.StateHash());
    }

    [Fact]
    public void Through_the_book_refusals_change_neither_sequence_nor_hash_and_each_kind_of_event_is_given()
    {
        var book = new FastOrderBook(Spec);
        var events = new EventBuffer();
        book.Place(new PlaceOrder(1, Side.Sell, OrderType.Limit, 1_000, 5), 1, events);
        book.Place(new PlaceOrder(2, Side.Buy, OrderType.Limit, 1_000, 1, ClientOrderId: "rest-1"), 2, events);   // last price 1,000
        var placed = Terms(TriggerKind.Stop, Side.Sell, 900, clientOrderId: "sl-1");
        book.Triggers.Place(book, placed, 3, events);
        Assert.Equal((EventKind.ConditionalAccepted, 4L), (events.Events[^1].Kind, events.Events[^1].Sequence));
        var (sequence, hash) = (book.Sequence, book.StateHash());

        var refusals = new (ConditionalTerms Terms, RejectReason Reason)[]
        {
            (Terms(TriggerKind.Stop, Side.Sell, 900, clientOrderId: "x", account: 0), RejectReason.InvalidAccount),
            (Terms(TriggerKind.Stop, Side.Sell, 900), RejectReason.InvalidClientOrderId),
            (Terms(TriggerKind.Stop, Side.Sell, 2_000_000, clientOrderId: "x"), RejectReason.InvalidTrigger),
            (Terms(TriggerKind.Stop, Side.Sell, 1_000, clientOrderId: "x"), RejectReason.WouldTriggerImmediately),
            (Terms(TriggerKind.Stop, Side.Sell, 800, clientOrderId: "sl-1"), RejectReason.DuplicateClientOrderId),
            (Terms(TriggerKind.Stop, Side.Sell, 800, clientOrderId: "rest-1", account: 2), RejectReason.DuplicateClientOrderId),
        };
        foreach (var (terms, reason) in refusals)
        {
            events.Clear();
            book.Triggers.Place(book, terms, 4, events);
            Assert.Equal((EventKind.OrderRejected, reason, sequence), (events.Events[0].Kind, events.Events[0].Reject, events.Events[0].Sequence));
        }
        events.Clear();
        book.Triggers.Cancel(book, 8, 1, null, 5, events);
        Assert.Equal(RejectReason.OrderNotFound, events.Events[0].Reject);
        Assert.Equal((sequence, hash), (book.Sequence, book.StateHash()));

        // A sale at 900 fires the stop in the same command, after the trade.
        events.Clear();
        book.Place(new PlaceOrder(3, Side.Buy, OrderType.Limit, 900, 1), 6, events);
        book.Place(new PlaceOrder(4, Side.Sell, OrderType.Limit, 900, 1), 7, events);
        book.Triggers.Fire(book, 7, events);
        var fired = events.Events[^1];
        Assert.Equal((EventKind.ConditionalTriggered, 1L, 900L, 900L, "sl-1"), (fired.Kind, fired.OrderId, fired.PreviousPrice, fired.PreviousSize, fired.ClientOrderId));
        Assert.Equal(events.Events[^2].Sequence + 1, fired.Sequence);
        Assert.Equal(placed.Order with { AccountId = 7 }, fired.TriggeredOrder);
        book.CheckConsistency();
    }
}
