using System.Collections.Concurrent;
using Exchange.Client.Contracts;
using Exchange.Stress.Results;

namespace Exchange.Stress.Running;

/// <summary>
/// One leveraged account as the runner watched it: the position it started the run with, the liquidation price the
/// exchange gave for it, when the mark was first seen beyond that price (or the account first seen under maintenance),
/// and when its position was first seen closed or reduced by someone else than itself (it sends no orders).
/// </summary>
internal sealed class WatchedAccount(StressAccount account)
{
    public StressAccount Account { get; } = account;

    public decimal StartSize { get; set; }

    public decimal? LiquidationPrice { get; set; }

    public long? CrossedAt { get; set; }

    public long? HandledAt { get; set; }

    public decimal LastSize { get; set; }

    /// <summary>The size the liquidation feed has shown closed so far (book, fund and deleveraging steps).</summary>
    public decimal ClosedByLiquidation { get; set; }

    /// <summary>The last margin ratio read (null when equity is gone).</summary>
    public decimal? LastMarginRatio { get; set; }

    /// <summary>The mark crossed but the account was never handled, and it is no longer under maintenance (the price came back).</summary>
    public bool Recovered => CrossedAt is not null && HandledAt is null && LastMarginRatio is < 1 && LastSize == StartSize;

    public bool Long => StartSize > 0;
}

/// <summary>Everything the observer has read so far, in the shapes of the result; appended by one reader each.</summary>
internal sealed class Observations
{
    public ConcurrentQueue<PricePoint> Prices { get; } = new();

    public ConcurrentQueue<BreakerInterval> Breakers { get; } = new();

    public ConcurrentDictionary<(string Symbol, long Sequence), (AccountLiquidationStep Step, long T)> Liquidations { get; } = new();

    public ConcurrentQueue<FundPoint> Funds { get; } = new();

    /// <summary>When each fund reading's answer arrived (the reading's point carries when it was asked).</summary>
    public ConcurrentDictionary<(string Symbol, long T), long> FundAnsweredAt { get; } = new();

    public ConcurrentQueue<OpenInterestPoint> OpenInterest { get; } = new();

    public ConcurrentQueue<BadDebtPoint> BadDebt { get; } = new();

    public ConcurrentDictionary<long, WatchedAccount> Watched { get; } = new();

    /// <summary>Per market, the fund's balance when the run started (the first reading).</summary>
    public ConcurrentDictionary<string, decimal> FundAtStart { get; } = new();

    /// <summary>How often the liquidation feed said steps after the runner's cursor were gone before it read them.</summary>
    public int LiquidationPagesMissed;

    public AuditResponse? LastAudit { get; set; }
}
