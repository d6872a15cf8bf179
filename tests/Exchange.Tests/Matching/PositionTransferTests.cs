using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Tests.Matching;

/// <summary>
/// A takeover or deleveraging only ever closes: never more than the liquidated account holds on the side it closes, never
/// more than the counterparty of a deleveraging holds opposite it. The engine picks counterparties from reports that can
/// lag their trades; a transfer decided on such a report is refused by the book (and changes nothing), not applied as a
/// flip that would open a position nobody asked for.
/// </summary>
public sealed class PositionTransferTests
{
    private const long Fund = 9;

    public static IEnumerable<object[]> Books => BookFactories.All;

    /// <summary>1 long 5 against 2 short 5; 3 short 3 against 4 long 3; the fund is account 9.</summary>
    private static BookDriver Positions(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.Sell(2, 100, 5);
        d.Buy(1, 100, 5);
        d.Sell(3, 100, 3);
        d.Buy(4, 100, 3);
        d.SetLiquidation(new LiquidationRules(Fund));
        return d;
    }

    private static PositionTransfer Deleverage(long account, long counterparty, Side side, long size) =>
        new(PositionTransferKind.Deleverage, account, counterparty, side, 99, size);

    private static PositionTransfer Takeover(long account, Side side, long size) => new(PositionTransferKind.Takeover, account, Fund, side, 99, size);

    [Theory]
    [MemberData(nameof(Books))]
    public void A_transfer_beyond_either_position_is_refused_and_changes_nothing(BookFactory factory)
    {
        var d = Positions(factory);
        var (hash, sequence) = (d.Book.StateHash(), d.Book.Sequence);

        foreach (var beyond in new[]
        {
            Deleverage(1, 2, Side.Sell, 6),  // 1 holds 5
            Deleverage(1, 3, Side.Sell, 4),  // 3 is short only 3
            Deleverage(1, 4, Side.Sell, 1),  // 4 is long: not opposite 1's long
            Deleverage(1, 5, Side.Sell, 1),  // 5 holds nothing
            Deleverage(1, 2, Side.Buy, 1),   // buying does not close 1's long
            Takeover(2, Side.Sell, 1),       // selling does not close 2's short
            Takeover(1, Side.Sell, 6),       // beyond 1's long
        })
            Expect.Rejection(d.Transfer(beyond), RejectReason.TransferBeyondPosition);

        Assert.Equal((hash, sequence), (d.Book.StateHash(), d.Book.Sequence));
    }

    [Theory]
    [MemberData(nameof(Books))]
    public void A_transfer_up_to_both_positions_closes_them(BookFactory factory)
    {
        var d = Positions(factory);

        Assert.Equal(EventKind.PositionDeleveraged, Assert.Single(d.Transfer(Deleverage(1, 3, Side.Sell, 3))).Kind);
        Assert.Equal(EventKind.PositionTakenOver, Assert.Single(d.Transfer(Takeover(1, Side.Sell, 2))).Kind);
        Assert.Equal(EventKind.PositionDeleveraged, Assert.Single(d.Transfer(Deleverage(2, 4, Side.Buy, 3))).Kind);

        // 1 and 3 closed, 4 closed against 2, the fund long the 2 lots it took; 2 still short 2.
        Assert.Equal([new PositionEntry(2, -2), new PositionEntry(Fund, 2)], d.Book.Positions.Entries());
    }
}
