using Exchange.Matching;

namespace Exchange.Risk;

public enum PositionTransferKind : byte
{
    /// <summary>The market's insurance fund takes the position over.</summary>
    Takeover = 1,
    /// <summary>A profitable opposite position is closed against it (auto-deleveraging).</summary>
    Deleverage = 2,
}

/// <summary>
/// A liquidated position (or part of it) moved to a counterparty outside the book, at the liquidated account's
/// bankruptcy price: <see cref="Side"/> is the liquidated account's side of this transfer (Sell closes its long).
/// </summary>
[GenerateSerializer, Immutable, Alias("PositionTransfer")]
public readonly record struct PositionTransfer(PositionTransferKind Kind, long AccountId, long CounterpartyId, Side Side, long Price, long Size);
