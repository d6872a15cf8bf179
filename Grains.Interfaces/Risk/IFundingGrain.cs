using Exchange.Markets;
using Orleans.Concurrency;

namespace Exchange.Risk;

/// <summary>
/// A market's funding schedule (keyed by symbol): an Orleans reminder (durable in PostgreSQL, so it fires on another silo
/// if the one that registered it dies) settles each interval through the market, as a journaled command the market
/// accepts once per interval.
/// </summary>
public interface IFundingGrain : IGrainWithStringKey
{
    /// <summary>Registers the schedule if it is not yet (one-way; the market asks on every activation).</summary>
    [OneWay]
    Task Start();

    /// <summary>Settles the interval ending at <paramref name="periodEnd"/> (ms since the epoch); durable when Committed.
    /// Asking again for an interval already settled is refused by the market (FundingNotDue) and changes nothing.</summary>
    Task<CommandOutcome> Settle(long periodEnd);
}
