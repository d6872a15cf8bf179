using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>A named way to make an empty book; the name is what xunit shows for each theory row.</summary>
public sealed record BookFactory(string Name, Func<MarketSpec, MarketMode, IOrderBook> Create)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every order book implementation. Each unit test is a theory over <see cref="All"/>, and the differential
/// property test compares every entry of <see cref="Implementations"/> against <see cref="Reference"/>.
/// </summary>
public static class BookFactories
{
    public static readonly BookFactory Reference = new("reference", (s, m) => new ReferenceOrderBook(s, m));

    public static IReadOnlyList<BookFactory> Implementations { get; } =
    [
        Reference,
        new("fast", (s, m) => new FastOrderBook(s, m)),
    ];

    /// <summary>xunit MemberData: one row per implementation.</summary>
    public static IEnumerable<object[]> All => Implementations.Select(f => new object[] { f });
}
