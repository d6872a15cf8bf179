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
    /// <summary>Accounts found under maintenance at <see cref="BackstopBatch.Mark"/> (one-way, from a risk shard); taken into
    /// the liquidator's waiting set at once and decided in chunks.</summary>
    [OneWay]
    Task Backstop(BackstopBatch batch);

    /// <summary>The market's committed, trusted mark moved while its insurance fund holds a position there (one-way, from
    /// the market): the liquidator checks the fund's loss against its cap and deleverages the fund past it.</summary>
    [OneWay]
    Task OnMark(long mark);

    /// <summary>What this liquidator has done since it activated, for operators and the liquidation benchmark (answered
    /// between the steps of a batch).</summary>
    [AlwaysInterleave]
    Task<LiquidatorStats> Stats();
}

/// <param name="Mark">The market's mark the entries were found and priced at (see the liquidator for when a batch still stands
/// after the mark moved).</param>
/// <param name="NotionalPerTickLot">The market's minor units per tick-lot, as the accounts reported it.</param>
/// <param name="FoundAt">When the shard found them (UTC ticks; 0: unknown), for the liquidator's found-to-done times.</param>
[GenerateSerializer, Immutable, Alias("BackstopBatch")]
public sealed record BackstopBatch(string Symbol, long Mark, long NotionalPerTickLot, BackstopEntry[] Entries, long FoundAt = 0);

/// <param name="Batches">Batches received.</param>
/// <param name="Backstopped">Accounts the fund and deleveraging took positions from.</param>
/// <param name="ToBook">Accounts sent a liquidation order through the book here (the book could absorb some).</param>
/// <param name="Refused">Accounts told to liquidate themselves: a step refused (moved since the cursor, or rejected), or a
/// position the book may absorb in several slices.</param>
/// <param name="Entries">Accounts received in batches (an account found again is counted again).</param>
/// <param name="MeanMs">The mean time from a shard first finding an account to the end of its chunk here (known times only).</param>
/// <param name="SlowestMs">The longest such time.</param>
/// <param name="Chunks">Chunks of distinct accounts decided (an account found again while it waited is decided once).</param>
/// <param name="Waiting">Accounts waiting now.</param>
/// <param name="Time">Where the chunks' time went, in total.</param>
/// <param name="FundChecks">Checks of the fund's loss against its cap (one per mark while it may hold a position).</param>
/// <param name="FundDeleveraged">Lots of the fund's position deleveraged past its cap.</param>
[GenerateSerializer, Immutable, Alias("LiquidatorStats")]
public sealed record LiquidatorStats(long Batches, long Backstopped, long ToBook, long Refused, long Transfers, long Entries = 0,
    long MeanMs = 0, long SlowestMs = 0, long Chunks = 0, long Waiting = 0, LiquidatorTime? Time = null, long FundChecks = 0,
    long FundDeleveraged = 0);

/// <summary>Milliseconds the liquidator's chunks spent, in total, on each of their steps (an operator's view of what holds it).</summary>
/// <param name="ReadMs">Reading the market (mark, terms, top of book).</param>
/// <param name="BookMs">Liquidation orders and their fees, committed.</param>
/// <param name="FundMs">Reading the fund, waiting until its view includes the takeovers committed before.</param>
/// <param name="CandidatesMs">Reading the deleveraging candidates from the risk shards.</param>
/// <param name="TransfersMs">Takeovers and deleveragings, committed.</param>
/// <param name="FundChecksMs">Checking the fund's loss against its cap, and deleveraging it past it.</param>
[GenerateSerializer, Immutable, Alias("LiquidatorTime")]
public sealed record LiquidatorTime(long ReadMs, long BookMs, long FundMs, long CandidatesMs, long TransfersMs, long FundChecksMs = 0);

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
