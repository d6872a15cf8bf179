using Exchange.Pricing;

namespace Exchange.Oracles;

/// <summary>What an oracle keeps across restarts: its policy, its feeds and the markets that follow it, never prices.</summary>
[GenerateSerializer, Alias("OracleRecord")]
public sealed class OracleRecord
{
    [Id(0)] public IndexPolicy? Policy { get; set; }
    [Id(1)] public VolatilityPolicy Volatility { get; set; } = VolatilityPolicy.Default;
    [Id(2)] public List<RegisteredFeed> Feeds { get; set; } = [];
    [Id(3)] public List<string> Markets { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("RegisteredFeed")]
public sealed record RegisteredFeed(string FeedId, string Name, bool Enabled);
