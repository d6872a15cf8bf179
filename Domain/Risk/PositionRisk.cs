using Exchange.Accounts;
using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// One position as the risk rules see it: signed size in lots, signed cost basis in minor units, the mark it is valued
/// at (ticks), the market's minor units per tick-lot and the maintenance schedule in force.
/// </summary>
public readonly record struct PositionRisk(long Size, long Cost, long Mark, long NotionalPerTickLot, MarketRisk Risk)
{
    public long Notional => NotionalAt(Mark);

    public long NotionalAt(long mark) => checked((long)((Int128)mark * Math.Abs(Size) * NotionalPerTickLot));

    public long UnrealisedPnl => UnrealisedPnlAt(Mark);

    public long UnrealisedPnlAt(long mark) => checked(Math.Sign(Size) * NotionalAt(mark) - Cost);

    public long Maintenance => MarginSchedule.Maintenance(Risk, Notional);

    public long MaintenanceAt(long mark) => MarginSchedule.Maintenance(Risk, NotionalAt(mark));
}
