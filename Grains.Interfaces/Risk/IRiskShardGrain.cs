using Exchange.Matching;
using Orleans.Concurrency;

namespace Exchange.Risk;

/// <summary>
/// One shard of the venue's risk view (keyed 0 to <c>RiskOptions.Shards</c> - 1; an account reports to shard
/// account id mod shards). Accounts report their collateral and positions as they change; markets send their mark as it
/// changes; on each mark the shard values its accounts exposed to that market and sends those under maintenance on, in
/// batches: to the market's liquidator (<see cref="ILiquidatorGrain"/>) when it can describe the account fully, else to
/// the account itself to check. Every step it leads to names the account's cursor, so the market refuses it if the
/// account moved since the shard's row.
/// </summary>
public interface IRiskShardGrain : IGrainWithIntegerKey
{
    /// <summary>An account's collateral and positions (one-way; an older version than the one held is ignored).</summary>
    [OneWay]
    Task Report(AccountRisk report);

    /// <summary>A market's committed mark and maintenance schedule (one-way, from the market after the batch commits).</summary>
    [OneWay]
    Task OnMark(MarkTick tick);

    /// <summary>Profitable positions on <paramref name="side"/> in a market (Sell: shorts), best ranked first, for auto-deleveraging.</summary>
    Task<AdlCandidate[]> DeleverageCandidates(string symbol, Side side, long excludeAccountId, int max);

    /// <summary>
    /// Deleveraging found fewer counterparties in a market than it needed: the shard asks the market who holds a position
    /// there and has each holder it shows no position for report again (one-way; at most once per
    /// <c>RiskOptions.RenotifyAfter</c> a market, whoever asks). Interleaved: the shard's scans do not wait on a
    /// market busy in a crash.
    /// </summary>
    [OneWay, AlwaysInterleave]
    Task RelearnHolders(string symbol);

    /// <summary>What the shard holds and what its last scan found, for operators and the liquidation benchmark.</summary>
    Task<RiskShardStats> Stats();
}

/// <param name="Untrusted">The market follows an index that is stale: nothing is liquidated on this mark.</param>
[GenerateSerializer, Immutable, Alias("MarkTick")]
public sealed record MarkTick(string Symbol, long Mark, long AsOf, MarketRisk Risk, bool Untrusted);

/// <param name="LastScanMicroseconds">How long the last scan took, from the tick's arrival to the verdict (the batches sent after it not included).</param>
/// <param name="LastScanFound">How many accounts the last scan found under maintenance.</param>
/// <param name="Notified">Accounts told to check themselves since the shard activated.</param>
/// <param name="UnderNow">Accounts under maintenance at the marks and reports the shard holds now (a scan when asked).</param>
/// <param name="LastScanAt">When the last scan's verdict was known (UTC ticks of the silo's clock).</param>
/// <param name="BackstopSent">Accounts sent to the markets' liquidators since the shard activated.</param>
[GenerateSerializer, Immutable, Alias("RiskShardStats")]
public sealed record RiskShardStats(int Accounts, long Scans, long LastScanMicroseconds, int LastScanFound, long Notified, string? LastScanSymbol,
    int UnderNow = 0, long LastScanAt = 0, long BackstopSent = 0);
