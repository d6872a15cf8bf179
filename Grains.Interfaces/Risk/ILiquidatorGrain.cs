using Orleans.Concurrency;

namespace Exchange.Risk;

/// <summary>
/// A market's liquidator (keyed by symbol): takes from the risk shards the accounts under maintenance that they can
/// describe fully (no orders working, cursor known) and liquidates them in batched market commands: a slice through the
/// book no worse than the bankruptcy price and its fee where the book may absorb it, else fund takeover within the cap
/// and minimal deleveraging. An account whose step the market refuses (it moved) is told to liquidate itself.
/// </summary>
public interface ILiquidatorGrain : IGrainWithStringKey
{
    /// <summary>Accounts found under maintenance at <see cref="BackstopBatch.Mark"/> (one-way, from a risk shard).</summary>
    [OneWay]
    Task Backstop(BackstopBatch batch);

    /// <summary>What this liquidator has done since it activated, for operators and the liquidation benchmark (answered
    /// between the steps of a batch).</summary>
    [AlwaysInterleave]
    Task<LiquidatorStats> Stats();
}

/// <param name="Mark">The market's mark the entries were found and priced at: a batch is acted on only at that mark.</param>
/// <param name="NotionalPerTickLot">The market's minor units per tick-lot, as the accounts reported it.</param>
[GenerateSerializer, Immutable, Alias("BackstopBatch")]
public sealed record BackstopBatch(string Symbol, long Mark, long NotionalPerTickLot, BackstopEntry[] Entries);

/// <param name="Batches">Batches received.</param>
/// <param name="Backstopped">Accounts the fund and deleveraging took positions from.</param>
/// <param name="ToBook">Accounts sent a liquidation order through the book here (the book could absorb some).</param>
/// <param name="Refused">Accounts told to liquidate themselves: a step refused (moved since the cursor, or rejected), or a
/// position the book may absorb in several slices.</param>
[GenerateSerializer, Immutable, Alias("LiquidatorStats")]
public sealed record LiquidatorStats(long Batches, long Backstopped, long ToBook, long Refused, long Transfers);

/// <summary>
/// Tells many accounts at once to check their margin: one message carries a chunk of account ids, and the worker (one
/// per silo, stateless) fans them out there, so a risk shard's turn never sends a message per account.
/// </summary>
public interface IRiskNotifierGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task CheckLiquidation(long[] accountIds);

    /// <summary>Asks each account to send its risk row again (<see cref="Accounts.IAccountGrain.ReportRisk"/>).</summary>
    [OneWay]
    Task ReportRisk(long[] accountIds);
}
