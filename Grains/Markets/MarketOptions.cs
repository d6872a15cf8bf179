namespace Exchange.Markets;

/// <summary>How a market grain bounds its journal writes and when it snapshots. Bound from "Exchange:Markets".</summary>
public sealed class MarketOptions
{
    /// <summary>The deadline of one journal append; past it the batch's outcome is settled by recovery.</summary>
    public TimeSpan AppendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The deadline for finding out whether a failed append committed, and for reloading. Below Orleans' 30 s call
    /// timeout, so that a caller waiting out a recovery gets a definite answer rather than a timeout.
    /// </summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long an activation that could not load its journal refuses commands (definitely) before it goes and the
    /// next call tries the journal again: how soon after the database returns a market serves again.
    /// </summary>
    public TimeSpan LoadRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Orleans' default response timeout: no deadline of a market may reach it.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Take a snapshot after this many events since the last one...</summary>
    public long SnapshotEveryEvents { get; set; } = 200_000;

    /// <summary>...or after this long, if anything happened.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recent events a market keeps in memory for accounts that catch up.</summary>
    public int RecentEvents { get; set; } = 200_000;

    /// <summary>
    /// How many journal reads a market's queries run at once (accounts catching up past memory, old orders' histories);
    /// the rest wait their turn, so that a crowd of them never starves the market's own appends.
    /// </summary>
    public int ConcurrentJournalReads { get; set; } = 4;

    /// <summary>Whether committed events are sent to the accounts they concern (off only for market-only benchmarks).</summary>
    public bool NotifyAccounts { get; set; } = true;

    /// <summary>How many recent public trades a market keeps for queries.</summary>
    public int RecentTrades { get; set; } = 1000;

    /// <summary>
    /// How many recent liquidation steps a market keeps for the feeds (the public one shows the newest; the operators'
    /// one is read after a cursor, and must keep up with a crash: 16,384 is several seconds of 100,000 accounts liquidating).
    /// </summary>
    public int RecentLiquidations { get; set; } = 16_384;

    /// <summary>
    /// A market that follows an index and has heard nothing from its oracle for this long counts its index as stale
    /// (the oracle sends at least every heartbeat, 1 s by default, so silence means the oracle is in trouble).
    /// </summary>
    public TimeSpan IndexSilence { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a market that follows an index checks for its silence.</summary>
    public TimeSpan IndexSilenceCheck { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a market paused by its circuit breaker repeats the news to its breaker (one way, idempotent), so that
    /// a message lost with a silo never leaves the market paused with nobody to reopen it.
    /// </summary>
    public TimeSpan BreakerNotice { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Load shedding: while this many commands wait for the journal, new orders that add risk are refused
    /// (<c>Overloaded</c>); cancels, cancel-all and reduce-only orders never are. Far above what a healthy journal
    /// queues (a group commit of a few thousand commands), so only a journal falling behind reaches it.
    /// </summary>
    public int ShedQueuedCommands { get; set; } = 50_000;

    /// <summary>Load shedding: refuse new risk while a journal write takes this long (in flight, or the last one).</summary>
    public TimeSpan ShedJournalLatency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What is wrong with these options, in an operator's words (empty: nothing).</summary>
    public IEnumerable<string> Problems()
    {
        if (AppendTimeout <= TimeSpan.Zero) yield return "Exchange:Markets:AppendTimeout must be positive";
        if (RecoveryTimeout <= TimeSpan.Zero || RecoveryTimeout >= CallTimeout)
            yield return $"Exchange:Markets:RecoveryTimeout must be positive and below the {CallTimeout.TotalSeconds:0} s call timeout";
        if (LoadRetryDelay <= TimeSpan.Zero || LoadRetryDelay >= CallTimeout)
            yield return $"Exchange:Markets:LoadRetryDelay must be positive and below the {CallTimeout.TotalSeconds:0} s call timeout";
        if (SnapshotEveryEvents < 1) yield return "Exchange:Markets:SnapshotEveryEvents must be at least 1";
        if (SnapshotInterval <= TimeSpan.Zero) yield return "Exchange:Markets:SnapshotInterval must be positive";
        if (RecentEvents < 0) yield return "Exchange:Markets:RecentEvents may not be negative";
        if (ConcurrentJournalReads < 1) yield return "Exchange:Markets:ConcurrentJournalReads must be at least 1";
        if (RecentTrades < 0) yield return "Exchange:Markets:RecentTrades may not be negative";
        if (RecentLiquidations < 1) yield return "Exchange:Markets:RecentLiquidations must be at least 1";
        if (IndexSilence <= TimeSpan.Zero) yield return "Exchange:Markets:IndexSilence must be positive";
        if (IndexSilenceCheck <= TimeSpan.Zero || IndexSilenceCheck > IndexSilence)
            yield return "Exchange:Markets:IndexSilenceCheck must be positive and at most IndexSilence";
        if (BreakerNotice <= TimeSpan.Zero) yield return "Exchange:Markets:BreakerNotice must be positive";
        if (ShedQueuedCommands < 1) yield return "Exchange:Markets:ShedQueuedCommands must be at least 1";
        if (ShedJournalLatency <= TimeSpan.Zero || ShedJournalLatency > AppendTimeout)
            yield return "Exchange:Markets:ShedJournalLatency must be positive and at most AppendTimeout";
    }
}
