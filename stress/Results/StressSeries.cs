namespace Exchange.Stress.Results;

/// <summary>The time series the report plots, each sorted by time.</summary>
public sealed record StressSeries(
    IReadOnlyList<PricePoint> Prices,
    IReadOnlyList<BreakerInterval> Breakers,
    IReadOnlyList<LiquidationPoint> Liquidations,
    IReadOnlyList<FundPoint> InsuranceFunds,
    IReadOnlyList<OpenInterestPoint> OpenInterest,
    IReadOnlyList<BadDebtPoint> BadDebt,
    IReadOnlyList<LatencySecond> OrderLatency,
    IReadOnlyList<CancelSecond> Cancels);

/// <summary>
/// One market's prices at one moment: the index (null while none is trusted), the mark, the last trade, and the
/// breaker's band around its reference (null when the market has no band).
/// </summary>
public sealed record PricePoint(
    long T, string Symbol, decimal? Index, decimal? Mark, decimal? Last, decimal? BandLow, decimal? BandHigh);

/// <summary>
/// A span during which a market was not trading continuously: <paramref name="State"/> is the breaker's or the
/// market's state (<c>paused</c>, <c>reopening</c>, <c>cancel-only</c>, <c>halted</c>), <paramref name="Reason"/> what
/// the exchange gave (e.g. <c>band</c>, <c>velocity</c>, <c>index-stale</c>). <paramref name="To"/> is null when the run
/// ended inside it; <paramref name="ReopenPrice"/> is the auction's uncross price when it reopened by one.
/// </summary>
public sealed record BreakerInterval(
    string Symbol, long From, long? To, string State, string Reason, decimal? ReopenPrice);

/// <summary>
/// One liquidation step the exchange reported. <paramref name="Outcome"/> is <c>book</c> (closed through the order
/// book), <c>fund</c> (taken over by the insurance fund), <c>adl</c> (deleveraged against an opposite position) or
/// <c>bad-debt</c>. <paramref name="HandledAfterMs"/> is the time from the mark that first put the account under
/// maintenance (as the runner saw it) to this step, when the runner could tell; <paramref name="Shortfall"/> is set on
/// ADL steps (what the fund could not take) so minimal ADL can be checked.
/// </summary>
public sealed record LiquidationPoint(
    long T, string Symbol, string Account, string Side, decimal Size, decimal Price, string Outcome,
    long? HandledAfterMs, decimal? Shortfall);

/// <summary>A market's insurance fund balance, and its loss cap, at one moment.</summary>
public sealed record FundPoint(long T, string Symbol, decimal Balance, decimal? Cap);

/// <summary>A market's open interest (the sum of long positions) at one moment, in the market's size units.</summary>
public sealed record OpenInterestPoint(long T, string Symbol, decimal Size);

/// <summary>The audit's bad-debt line (all markets) at one moment.</summary>
public sealed record BadDebtPoint(long T, decimal Amount);

/// <summary>
/// Order acknowledgements answered in one second of the run (second 0 is the run's first): how many, and the
/// latency percentiles in milliseconds of those answered (from request sent to answer received).
/// </summary>
public sealed record LatencySecond(long Second, int Count, double P50Ms, double P99Ms, double MaxMs);

/// <summary>Cancels answered in one second: accepted (including "already gone") and refused (any other answer).</summary>
public sealed record CancelSecond(long Second, int Accepted, int Refused);
