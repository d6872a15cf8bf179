namespace Exchange.Breakers;

/// <summary>
/// How long the circuit breaker pauses a market and how it reopens it (all times in milliseconds). Defaults, from the
/// anchors: a 2-minute pause (CME's dynamic circuit breakers, Coinbase Derivatives' halt); a second trip within an hour
/// (CME's rolling 60-minute window) pauses for 5 minutes (LULD's pause); an auction that cannot clear within its collar
/// is extended by a minute with the collar doubled (LULD extends in 5-minute steps with widening collars; a 24/7
/// market reopens sooner), up to <see cref="MaxCollarBps"/> (20%, twice Coinbase's 10% limit); while the index is not
/// trusted the breaker looks again every 5 seconds (the oracle's heartbeat is 1 s, its silence rule 3 s).
/// </summary>
[GenerateSerializer, Immutable, Alias("BreakerPolicy")]
public sealed record BreakerPolicy(long PauseMs = 120_000, long EscalatedPauseMs = 300_000, long EscalationWindowMs = 3_600_000,
    long ExtensionMs = 60_000, long RecheckMs = 5_000, int MaxCollarBps = 2_000)
{
    public const long MaxMs = 86_400_000;

    /// <summary>
    /// A new object each time, as <see cref="BreakerState.Initial"/>: grain storage fills the objects a state holds, and
    /// a shared default filled with one market's stored policy became every later breaker's default in that process
    /// (a 10 s pause set by one test showed up in another's new market).
    /// </summary>
    public static BreakerPolicy Default => new();

    public string? Problem()
    {
        if (PauseMs is < 1 or > MaxMs) return $"pauseMs must be 1 to {MaxMs}";
        if (EscalatedPauseMs < PauseMs || EscalatedPauseMs > MaxMs) return $"escalatedPauseMs must be pauseMs to {MaxMs}";
        if (EscalationWindowMs is < 0 or > MaxMs) return $"escalationWindowMs must be 0 (no escalation) to {MaxMs}";
        if (ExtensionMs is < 1 or > MaxMs) return $"extensionMs must be 1 to {MaxMs}";
        if (RecheckMs is < 1 or > MaxMs) return $"recheckMs must be 1 to {MaxMs}";
        if (MaxCollarBps is < 1 or > Matching.BreakerRules.MaxBps) return $"maxCollarBps must be 1 to {Matching.BreakerRules.MaxBps}";
        return null;
    }
}
