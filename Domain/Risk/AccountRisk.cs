using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// What an account tells the risk view about itself whenever it changes: its collateral and its positions.
/// <see cref="Version"/> grows with every report of one account activation's, so a late older report never replaces a
/// newer one; a new activation starts from the version of its snapshot plus one.
/// </summary>
[GenerateSerializer, Immutable, Alias("AccountRisk")]
public sealed record AccountRisk(long AccountId, long Version, long Collateral, HeldPosition[] Positions);

/// <summary>A position as reported: market, signed size in lots, signed cost basis, the market's minor units per tick-lot.</summary>
[GenerateSerializer, Immutable, Alias("HeldPosition")]
public readonly record struct HeldPosition(string Symbol, long Size, long Cost, long NotionalPerTickLot);
