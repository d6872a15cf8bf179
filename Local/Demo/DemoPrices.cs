namespace Exchange.Local.Demo;

/// <summary>Where the demo's prices start: the simulated traders' first mid, and the simulated index walks.</summary>
internal static class DemoPrices
{
    public static decimal StartingMid(string symbol) => symbol.StartsWith("BTC", StringComparison.Ordinal) ? 65_000m : 3_500m;
}
