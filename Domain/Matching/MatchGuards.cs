using System.Runtime.CompilerServices;

namespace Exchange.Matching;

/// <summary>
/// What continuous matching asks of the breaker's limits, per price level. The fast book's matching loop is generic
/// over it with a struct argument, so the JIT compiles one loop per guard: with <see cref="NoGuard"/> (a market without
/// breaker rules, as W1) the checks are constants and vanish; with <see cref="PriceGuard"/> they are the real limits.
/// </summary>
internal interface IMatchGuard
{
    /// <summary>Would a limit order at this price be beyond the band on its aggressive side (a buy above, a sell below)?</summary>
    bool OutsideBand(Side side, long price);

    bool Admits(long price);

    void Narrow(long price);

    void Traded(long price, long timestamp, TradeWindow window);

    ModeCause TripCause(long price, BreakerRules? rules);
}

/// <summary>No limits: every price is admitted and nothing is remembered.</summary>
internal struct NoGuard : IMatchGuard
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool OutsideBand(Side side, long price) => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Admits(long price) => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Narrow(long price) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Traded(long price, long timestamp, TradeWindow window) { }

    public readonly ModeCause TripCause(long price, BreakerRules? rules) =>
        throw new InvalidOperationException("a market without limits never trips");
}
