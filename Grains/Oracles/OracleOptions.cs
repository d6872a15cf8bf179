namespace Exchange.Oracles;

/// <summary>How an oracle grain runs. Bound from "Exchange:Oracles".</summary>
public sealed class OracleOptions
{
    /// <summary>The oracle's tick: it recomputes its index and sends the markets what changed, at most this often.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A market hears from its index at least this often even when nothing changed (so silence means trouble).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far a feed's timestamp may run ahead of the oracle's clock (clock skew) before it is refused.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        if (TickInterval <= TimeSpan.Zero) yield return "Exchange:Oracles:TickInterval must be positive";
        if (HeartbeatInterval < TickInterval) yield return "Exchange:Oracles:HeartbeatInterval must be at least the tick interval";
        if (MaxFutureSkew < TimeSpan.Zero) yield return "Exchange:Oracles:MaxFutureSkew may not be negative";
    }
}
