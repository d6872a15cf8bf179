using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>A market's state with its full state hash (computing it reads the whole book).</summary>
[GenerateSerializer, Immutable, Alias("MarketStatus")]
public sealed record MarketStatus(string Symbol, MarketMode Mode, long Sequence, ulong StateHash, int RestingOrders);

/// <summary>What a market is doing, cheap to ask however large the book; with its terms (mark, risk, why it is in its mode).</summary>
/// <param name="OpenInterest">The sum of all long positions in lots, as the book counts it (the open-interest cap's measure).</param>
[GenerateSerializer, Immutable, Alias("MarketSummary")]
public sealed record MarketSummary(string Symbol, MarketMode Mode, long Sequence, int RestingOrders, MarketTerms? Terms = null,
    long OpenInterest = 0);

public enum OrderState : byte
{
    /// <summary>No order with that id (or client order id) was ever accepted here.</summary>
    Unknown,
    /// <summary>Resting in the book; <see cref="OrderLookup.Order"/> has its details.</summary>
    Open,
    /// <summary>Accepted, and since filled or cancelled.</summary>
    Closed,
}

[GenerateSerializer, Immutable, Alias("OrderLookup")]
public sealed record OrderLookup(OrderState State, long OrderId, OrderView? Order);

/// <summary>An order as its account named it: the account and its client order id.</summary>
[GenerateSerializer, Immutable, Alias("ClientOrderRef")]
public readonly record struct ClientOrderRef(long AccountId, string ClientOrderId);

/// <summary>
/// The circuit breaker as the market sees it now: the mode and its cause (in <see cref="Terms"/>, with the rules), the
/// band's reference (<see cref="MarketTerms.BreakerReference"/>; 0: none yet) and, during an auction with a crossed
/// book, what uncrossing at that reference would do now (null otherwise).
/// </summary>
[GenerateSerializer, Immutable, Alias("BreakerView")]
public sealed record BreakerView(string Symbol, MarketMode Mode, long Sequence, MarketTerms Terms, long Reference, AuctionIndication? Indicative);
