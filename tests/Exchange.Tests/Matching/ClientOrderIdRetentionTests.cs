using CsCheck;
using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// A book remembers a closed order's client order id only for its next N orders (a million in production; two or
/// three here), and a resting order's for as long as it rests. What it forgets must not depend on how the book came
/// to be: live, rebuilt from a snapshot, or the other implementation.
/// </summary>
public sealed class ClientOrderIdRetentionTests
{
    private const long Retention = 2;

    public static IEnumerable<object[]> ShortMemoryBooks =>
    [
        [new BookFactory("reference", (s, m) => new ReferenceOrderBook(s, m, Retention))],
        [new BookFactory("fast", (s, m) => new FastOrderBook(s, m, Retention))],
    ];

    [Theory, MemberData(nameof(ShortMemoryBooks))]
    public void A_closed_order_s_id_is_forgotten_after_the_next_orders(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 100, 5, clientOrderId: "a"); // 1, rests
        d.Buy(2, 100, 5);                      // 2, fills 1
        Assert.Equal(1, Expect.Rejection(d.Sell(1, 100, 5, clientOrderId: "a"), RejectReason.DuplicateClientOrderId).OrderId);

        d.Buy(3, 90, 1, clientOrderId: "z");   // 3: order 1 is now two orders back, and closed
        var again = d.Sell(1, 100, 5, clientOrderId: "a");
        Assert.Equal(EventKind.OrderAccepted, again[0].Kind);
        Assert.Equal(4, again[0].OrderId);
    }

    [Theory, MemberData(nameof(ShortMemoryBooks))]
    public void A_resting_order_s_id_is_kept_until_it_closes(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(1, 110, 1, clientOrderId: "r"); // 1, rests far from the others
        d.Buy(2, 90, 1, clientOrderId: "x");   // 2
        d.Buy(2, 91, 1, clientOrderId: "y");   // 3
        d.Buy(2, 92, 1, clientOrderId: "z");   // 4: order 1 is past the line but rests
        Assert.Equal(1, Expect.Rejection(d.Sell(1, 111, 1, clientOrderId: "r"), RejectReason.DuplicateClientOrderId).OrderId);

        d.Cancel(1, 1);
        d.Buy(2, 93, 1, clientOrderId: "w");   // 5: the next acceptance with an id forgets it
        Assert.Equal(EventKind.OrderAccepted, d.Sell(1, 111, 1, clientOrderId: "r")[0].Kind);
    }

    [Fact]
    public void Both_books_forget_the_same_ids_live_and_after_a_rebuild_from_a_snapshot()
    {
        CommandStreams.Scenarios.Sample(scenario =>
        {
            IOrderBook reference = new ReferenceOrderBook(CommandStreams.Spec, scenario.InitialMode, Retention);
            IOrderBook fast = new FastOrderBook(CommandStreams.Spec, scenario.InitialMode, Retention);
            IOrderBook? rebuilt = null;
            var rebuildAt = scenario.Commands.Length / 2;
            for (var i = 0; i < scenario.Commands.Length; i++)
            {
                if (i == rebuildAt) rebuilt = new FastOrderBook(CommandStreams.Spec, fast.Capture(), Retention);
                var expected = Apply(reference, scenario, i);
                foreach (var book in rebuilt is null ? [fast] : new[] { fast, rebuilt })
                {
                    Assert.Equal(expected, Apply(book, scenario, i));
                    Assert.Equal(reference.StateHash(), book.StateHash());
                }
            }
        }, iter: 1_000, print: s => s.ToString());
    }

    private static MarketEvent[] Apply(IOrderBook book, Scenario scenario, int i)
    {
        var events = new EventBuffer();
        scenario.Commands[i].ApplyTo(book, Scenario.TimestampOf(i), events);
        return events.ToArray();
    }
}
