using Exchange.Matching;

namespace Exchange.Markets;

public enum LiquidationStep : byte
{
    /// <summary>A liquidation order traded in the book.</summary>
    Book = 1,
    /// <summary>The insurance fund took the position over at the bankruptcy price.</summary>
    Fund,
    /// <summary>A profitable opposite position was closed at the bankruptcy price (auto-deleveraging).</summary>
    Deleverage,
    /// <summary>The liquidated account paid its liquidation fee to the fund (Size holds the amount in minor units).</summary>
    Fee,
}

/// <summary>
/// One step of a liquidation in a market, from its journaled event: who was liquidated, who took the other side (the
/// book's maker, the fund, the deleveraged trader), at what price, and the market's mark when it committed (so the
/// shortfall a takeover or deleveraging absorbed can be checked: the distance from the mark times the size).
/// </summary>
[GenerateSerializer, Immutable, Alias("LiquidationRecord")]
public readonly record struct LiquidationRecord(long Sequence, long Timestamp, LiquidationStep Step, long AccountId, long CounterpartyId,
    Side Side, long Price, long Size, long Mark);

/// <summary>Liquidation steps after a cursor, oldest first; <see cref="Complete"/> is false when some after the cursor were
/// no longer held (the market keeps the latest <c>RecentLiquidations</c>).</summary>
[GenerateSerializer, Immutable, Alias("LiquidationPage")]
public sealed record LiquidationPage(LiquidationRecord[] Steps, bool Complete);
