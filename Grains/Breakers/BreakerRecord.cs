using Exchange.Breakers;

namespace Exchange.Breakers;

/// <summary>What a circuit breaker keeps across activations and silos: its state and its policy (grain storage).</summary>
[GenerateSerializer, Alias("BreakerRecord")]
public sealed class BreakerRecord
{
    [Id(0)] public BreakerState State { get; set; } = BreakerState.Initial;
    [Id(1)] public BreakerPolicy Policy { get; set; } = BreakerPolicy.Default;
}
