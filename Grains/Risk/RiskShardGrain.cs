using Microsoft.Extensions.Options;

namespace Exchange.Risk;

/// <summary>
/// A shard of the risk view: the grain shell around a <see cref="RiskBook"/>. A mark scans the shard's accounts exposed
/// to that market on the shard's own turn (never the market's); a report that leaves its account under maintenance
/// queues it too. What is found goes out in batches, never a message per account: the accounts the shard can describe
/// fully (no orders working, cursor known) go to the liquidator of the market they are to be closed in, one message per
/// market; the others, in chunks, to the silo's notifier, which tells each to check itself. An account still under is
/// queued again after <see cref="RiskOptions.RenotifyAfter"/> (a timer looks), or at once when its position changed. Its state is only a
/// view: after a restart it fills again from the accounts' next reports and the markets' next marks, and each account
/// checks its own margin at every order and withdrawal in any case.
/// </summary>
public sealed class RiskShardGrain(TimeProvider clock, IOptions<RiskOptions> options) : Grain, IRiskShardGrain
{
    private const int NoticeChunk = 2_048; // accounts per message, to a notifier or a liquidator
    private static readonly TimeSpan ReportFlushDelay = TimeSpan.FromMilliseconds(10);
    private readonly RiskBook _book = new();
    private readonly Dictionary<long, long> _notifiedAt = [];
    private readonly List<long> _pending = [];
    private readonly Dictionary<string, long> _relearnedAt = new(StringComparer.Ordinal);
    private bool _flushScheduled;
    private long _scans, _lastScanMicroseconds, _lastScanAt, _notified, _backstopSent;
    private int _lastScanFound;
    private string? _lastScanSymbol;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Whatever stopped a liquidation (a paused market, a stale index, a liquidator or account that died mid-way), an
        // account still under is sent on again once RenotifyAfter has passed, without waiting for a new mark or report.
        var every = options.Value.RenotifyAfter;
        this.RegisterGrainTimer(_ => { foreach (var id in _book.Under()) Queue(id); Flush(); return Task.CompletedTask; }, every, every);
        // A shard that starts again (its silo died) knows no mark, and a market publishes its mark only when it changes:
        // without asking, an account reported here would never be valued until the price moved. Nor does it know its
        // accounts: each re-sends its row within RiskReporter.RefreshAfter (30 s) anyway, but in a crash that is too late,
        // so it asks every market who holds a position here and has them report now.
        this.RegisterGrainTimer(_ => Relearn(), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    private async Task Relearn()
    {
        var markets = await GrainFactory.GetGrain<Markets.IMarketRegistryGrain>(0).ListMarkets();
        await AskMarks(markets);
        await AskHolders(markets);
    }

    /// <summary>The accounts holding positions that report to this shard, asked to report (in chunks, through the notifier).</summary>
    private async Task AskHolders(IEnumerable<Matching.MarketSpec> markets)
    {
        var (shard, shards) = ((int)this.GetPrimaryKeyLong(), options.Value.Shards);
        var holders = new HashSet<long>();
        foreach (var spec in markets)
        {
            try
            {
                holders.UnionWith(await GrainFactory.GetGrain<Markets.IMarketGrain>(spec.Symbol).GetPositionHolders(shard, shards));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // That market cannot answer now; its holders' rows come with their next change or refresh.
            }
        }
        AskToReport([.. holders.Where(id => !_book.Holds(id))]); // those already here have reported since the start
    }

    /// <summary>
    /// Reports travel one way and Orleans delivers at most once: a lost one leaves its account out of deleveraging until
    /// its row is refreshed (<see cref="Accounts.RiskReporter.RefreshAfter"/>, 30 s), while a bankrupt position waits for a
    /// counterparty. So when deleveraging finds too few, the market's own list of holders (exact: it moves positions)
    /// names those this shard shows no position for there, and they report now.
    /// </summary>
    public async Task RelearnHolders(string symbol)
    {
        var now = clock.GetTimestamp();
        if (_relearnedAt.TryGetValue(symbol, out var at) && clock.GetElapsedTime(at, now) < options.Value.RenotifyAfter) return;
        _relearnedAt[symbol] = now;
        var (shard, shards) = ((int)this.GetPrimaryKeyLong(), options.Value.Shards);
        try
        {
            var holders = await GrainFactory.GetGrain<Markets.IMarketGrain>(symbol).GetPositionHolders(shard, shards);
            AskToReport([.. holders.Where(id => _book.SizeIn(symbol, id) == 0)]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The market cannot answer now: the next shortfall asks again.
        }
    }

    private void AskToReport(long[] ids)
    {
        var notifier = GrainFactory.GetGrain<IRiskNotifierGrain>(0);
        for (var i = 0; i < ids.Length; i += NoticeChunk) _ = notifier.ReportRisk(ids[i..Math.Min(ids.Length, i + NoticeChunk)]);
    }

    /// <summary>Each market's committed mark, for the markets that have not told this shard one since it started.</summary>
    private async Task AskMarks(IEnumerable<Matching.MarketSpec> markets)
    {
        foreach (var spec in markets)
        {
            if (_book.MarkOf(spec.Symbol) > 0) continue;
            try
            {
                var market = GrainFactory.GetGrain<Markets.IMarketGrain>(spec.Symbol);
                var (mark, summary) = (await market.GetMark(), await market.GetSummary());
                if (_book.MarkOf(spec.Symbol) == 0 && summary.Terms?.Risk is { } risk)
                    await OnMark(new MarkTick(spec.Symbol, mark.Price, mark.AsOf, risk, mark.Untrusted));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // That market cannot answer now (its silo is dying too); its next committed batch publishes its mark.
            }
        }
    }

    public Task Report(AccountRisk report)
    {
        // A position that changed (a fill, a takeover) makes any earlier verdict old: say it again if it is still under.
        if (_book.Report(report)) _notifiedAt.Remove(report.AccountId);
        // A fill at a bad price can put an account under without any mark moving.
        if (_book.IsUnder(report.AccountId))
        {
            Queue(report.AccountId);
            ScheduleFlush();
        }
        else _notifiedAt.Remove(report.AccountId);
        return Task.CompletedTask;
    }

    public Task OnMark(MarkTick tick)
    {
        var started = clock.GetTimestamp();
        // Nothing is liquidated on a price nobody vouches for: the scan waits for a trusted mark.
        if (tick.Untrusted || tick.Mark <= 0 || !_book.SetMark(tick.Symbol, tick.Mark, tick.Risk)) return Task.CompletedTask;
        var under = _book.Scan(tick.Symbol);
        (_scans, _lastScanFound, _lastScanSymbol) = (_scans + 1, under.Count, tick.Symbol);
        _lastScanMicroseconds = (long)clock.GetElapsedTime(started).TotalMicroseconds;
        _lastScanAt = clock.GetUtcNow().UtcTicks;
        foreach (var accountId in under) Queue(accountId);
        Flush();
        return Task.CompletedTask;
    }

    public Task<AdlCandidate[]> DeleverageCandidates(string symbol, Matching.Side side, long excludeAccountId, int max) =>
        Task.FromResult(_book.DeleverageCandidates(symbol, side, excludeAccountId, Math.Min(max, options.Value.DeleverageCandidates)).ToArray());

    public Task<RiskShardStats> Stats() =>
        Task.FromResult(new RiskShardStats(_book.Accounts, _scans, _lastScanMicroseconds, _lastScanFound, _notified, _lastScanSymbol,
            _book.UnderNow(), _lastScanAt, _backstopSent));

    private void Queue(long accountId)
    {
        var now = clock.GetTimestamp();
        if (_notifiedAt.TryGetValue(accountId, out var at) && clock.GetElapsedTime(at, now) < options.Value.RenotifyAfter) return;
        _notifiedAt[accountId] = now;
        _pending.Add(accountId);
    }

    private void ScheduleFlush()
    {
        if (_flushScheduled || _pending.Count == 0) return;
        _flushScheduled = true;
        this.RegisterGrainTimer(_ => { Flush(); return Task.CompletedTask; }, new GrainTimerCreationOptions(ReportFlushDelay, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Sends what is queued: backstop batches per market, notices in chunks.</summary>
    private void Flush()
    {
        _flushScheduled = false;
        if (_pending.Count == 0) return;
        var batches = new Dictionary<string, (long Mark, long NotionalPerTickLot, List<BackstopEntry> Entries)>(StringComparer.Ordinal);
        var notices = new List<long>();
        foreach (var accountId in _pending)
        {
            if (_book.BackstopOf(accountId) is not { } found) { notices.Add(accountId); continue; }
            if (!batches.TryGetValue(found.Symbol, out var batch)) batches[found.Symbol] = batch = (found.Mark, found.NotionalPerTickLot, []);
            batch.Entries.Add(found.Entry);
        }
        _pending.Clear();
        // In chunks too: one liquidator batch is one market turn per step, kept short so the market's other callers
        // (accounts catching up, orders) are not held behind tens of thousands of steps.
        foreach (var (symbol, batch) in batches)
        {
            _backstopSent += batch.Entries.Count;
            var liquidator = GrainFactory.GetGrain<ILiquidatorGrain>(symbol);
            for (var i = 0; i < batch.Entries.Count; i += NoticeChunk)
                _ = liquidator.Backstop(new BackstopBatch(symbol, batch.Mark, batch.NotionalPerTickLot, [.. batch.Entries.Skip(i).Take(NoticeChunk)],
                    clock.GetUtcNow().UtcTicks));
        }
        _notified += notices.Count;
        var notifier = GrainFactory.GetGrain<IRiskNotifierGrain>(0);
        for (var i = 0; i < notices.Count; i += NoticeChunk) _ = notifier.CheckLiquidation([.. notices.Skip(i).Take(NoticeChunk)]);
    }
}
