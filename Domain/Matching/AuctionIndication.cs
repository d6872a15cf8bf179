namespace Exchange.Matching;

/// <summary>
/// What an auction would do if it were uncrossed now (<see cref="AuctionPricing"/>): the single price, the volume that
/// would trade there, and the imbalance left at that price (bids at it or higher minus asks at it or lower: positive
/// when buyers are left over, negative when sellers are).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuctionIndication")]
public readonly record struct AuctionIndication(long Price, long Volume, long Imbalance);
