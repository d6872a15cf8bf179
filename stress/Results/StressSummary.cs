namespace Exchange.Stress.Results;

/// <summary>
/// The run's headline numbers. Counts of orders are what traders and makers sent and what the exchange answered;
/// money is in the settlement asset's units. Times are milliseconds; null when the run had nothing to measure.
/// </summary>
public sealed record StressSummary(
    int Accounts,
    long OrdersSent,
    long OrdersAcknowledged,
    long OrdersRefused,
    long OrdersUnknown,
    long CancelsAccepted,
    long CancelsRefused,
    int AccountsLiquidated,
    long? LiquidationHandledP50Ms,
    long? LiquidationHandledP99Ms,
    long? LiquidationHandledMaxMs,
    decimal FundDrawn,
    decimal AdlVolume,
    decimal AdlShortfall,
    decimal BadDebt,
    int BreakerTrips,
    IReadOnlyList<FaultOutage> Outages);

/// <summary>How long a fault interrupted service, as traders saw it (from the fault to the next acknowledged order).</summary>
public sealed record FaultOutage(string Fault, long At, long? InterruptedMs);
