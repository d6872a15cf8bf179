using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// A position in one market: signed size in lots and signed cost basis in micro-USD (what was paid for a long,
/// minus what was received for a short). No average price is ever rounded: closing part of a position removes
/// the same share of the cost basis (truncated), and closing all of it removes all of it, so realised plus
/// unrealised PnL over a position's life is exact to the unit.
/// </summary>
public struct Position
{
    public long Size { get; private set; }
    public long Cost { get; private set; }

    public Position(long size, long cost) => (Size, Cost) = (size, cost);

    /// <summary>Applies a fill of this account's side; returns the PnL it realised.</summary>
    public long Fill(MarketSpec spec, Side side, long price, long size)
    {
        var sign = side == Side.Buy ? 1 : -1;
        long realised = 0;
        if (Size != 0 && Math.Sign(Size) != sign)
        {
            var closed = Math.Min(size, Math.Abs(Size));
            var removed = checked((long)((Int128)Cost * closed / Math.Abs(Size)));
            realised = checked(-(sign * Money.Notional(spec, price, closed) + removed));
            Size += sign * closed;
            Cost -= removed;
            size -= closed;
        }
        if (size > 0)
        {
            Size = checked(Size + sign * size);
            Cost = checked(Cost + sign * Money.Notional(spec, price, size));
        }
        return realised;
    }

    public readonly long Notional(MarketSpec spec, long mark) => Money.Notional(spec, mark, Math.Abs(Size));

    public readonly long UnrealisedPnl(MarketSpec spec, long mark) =>
        checked(Math.Sign(Size) * Money.Notional(spec, mark, Math.Abs(Size)) - Cost);
}
