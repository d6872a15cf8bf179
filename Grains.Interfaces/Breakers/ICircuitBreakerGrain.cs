using Orleans.Concurrency;

namespace Exchange.Breakers;

/// <summary>
/// The circuit breaker beside one market (keyed by its symbol): when matching trips the market into an auction, this
/// holds the pause, extends it when the auction cannot clear within its collar (widening the band), and reopens the
/// market through journaled commands with the breaker as actor. Its state is durable (grain storage), and the reopen is
/// scheduled by a timer backed by a reminder, so that a silo's death neither strands the market paused nor reopens it early.
/// </summary>
public interface ICircuitBreakerGrain : IGrainWithStringKey
{
    /// <summary>The market tripped (one way, sent after the trip committed; repeated while the pause lasts). Durable when
    /// the breaker has handled it; a lost message is made good by the repeat.</summary>
    [OneWay]
    Task OnTripped(BreakerTrip trip);

    /// <summary>The breaker's state and policy (committed).</summary>
    Task<BreakerStatus> GetStatus();

    /// <summary>Replaces the pause policy; durable when it returns. Throws <see cref="ArgumentException"/> for an invalid one.</summary>
    Task SetPolicy(BreakerPolicy policy);

    /// <summary>Runs the reopen now if it is due (what the timer and the reminder do). Durable when it returns.</summary>
    Task CheckReopen();
}

[GenerateSerializer, Immutable, Alias("BreakerStatus")]
public sealed record BreakerStatus(string Symbol, BreakerState State, BreakerPolicy Policy);
