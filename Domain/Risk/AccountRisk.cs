using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// What an account tells the risk view about itself whenever it changes: its collateral and its positions.
/// <see cref="Version"/> grows with every report of one account activation's, so a late older report never replaces a
/// newer one; a new activation starts from the version of its snapshot plus one. <see cref="HasOpenOrders"/>: the
/// account has an order working in some market, so its liquidation must start by cancelling (the account does that
/// itself; the risk view backstops only accounts without orders).
/// </summary>
[GenerateSerializer, Immutable, Alias("AccountRisk")]
public sealed record AccountRisk(long AccountId, long Version, long Collateral, HeldPosition[] Positions, bool HasOpenOrders = false);

/// <summary>
/// A position as reported: market, signed size in lots, signed cost basis, the market's minor units per tick-lot, and
/// the account's cursor in that market when it reported (the market refuses a step decided at a cursor the account has
/// moved past; -1: not known).
/// </summary>
[GenerateSerializer, Immutable, Alias("HeldPosition")]
public readonly record struct HeldPosition(string Symbol, long Size, long Cost, long NotionalPerTickLot, long Cursor = -1);
