using Exchange.Client.Contracts;
using Exchange.Stress.Results;

namespace Exchange.Stress.Running;

/// <summary>
/// Reads what the exchange says while the scenario plays, through the public and admin APIs only: each market's ticker
/// and breaker four times a second (index, mark, last, band; the breaker's and the market's state as intervals), every
/// liquidation step from the operators' feed four times a second, each insurance fund and the audit once a second, and
/// the accounts' views (positions for open interest, and each leveraged account's position and liquidation price to time
/// its handling). It feeds
/// <see cref="LiveState"/> for the makers and traders, and <see cref="Observations"/> for the result.
/// </summary>
internal sealed class Observer(ExchangeApi api, RunClock clock, IReadOnlyDictionary<string, MarketInfo> markets, LiveState live,
    Observations seen, Func<IReadOnlyCollection<StressAccount>> accounts)
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30), StartRetry = TimeSpan.FromMilliseconds(100);
    // Accounts are read 250 to a bulk request, one request at a time: the gateway reads 16 of its views at once, each
    // asking the market for its mark, as many as the 16 single reads before; four requests at once of 64 views each
    // (256 mark reads in flight) stalled the market of a 100,000-account crash for two minutes.
    private const int ViewChunk = 250;
    private const int PriceEveryMs = 250, SlowEveryMs = 1_000, HistoryMs = 600_000, AtRiskPerRound = 2_000;
    private const int AuditShare = 5; // the observer's audits take at most about a fifth of the time, see SampleAuditAsync
    private long _auditDueAt;
    private readonly Dictionary<string, OpenInterval> _open = new(StringComparer.Ordinal);

    private sealed record OpenInterval(long From, string State, string Reason, long? LastTradeAtStart);

    /// <summary>Reads prices until cancelled (started while building, so makers have an index to quote).</summary>
    public Task RunPricesAsync(CancellationToken ct) => UntilCancelled(LoopPricesAsync, ct);

    private async Task LoopPricesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = clock.NowMs;
            await Task.WhenAll(markets.Values.Select(m => SamplePricesAsync(m, ct)));
            if (!await DelayAsync(started + PriceEveryMs, ct)) break;
        }
    }

    /// <summary>
    /// The once-a-second readings, from the run's start until cancelled: the insurance funds, and until
    /// <paramref name="wholeUntil"/> is cancelled also the audit and every account (whole-exchange reads, which the
    /// end-of-run checks make themselves).
    /// </summary>
    public Task RunSlowAsync(CancellationToken wholeUntil, CancellationToken ct) => UntilCancelled(t => LoopSlowAsync(wholeUntil, t), ct);

    private async Task LoopSlowAsync(CancellationToken wholeUntil, CancellationToken ct)
    {
        var fullEvery = Math.Max(1, accounts().Count / 2_000);     // a whole-population read at most ~2,000 accounts a second
        for (var round = 0; !ct.IsCancellationRequested; round++)
        {
            var started = clock.NowMs;
            var whole = !wholeUntil.IsCancellationRequested;
            await Task.WhenAll(
                Task.WhenAll(markets.Values.Select(m => SampleFundAsync(m, ct))),
                whole && started >= _auditDueAt ? SampleAuditAsync(ct) : Task.CompletedTask,
                whole && round % fullEvery == 0 ? SampleAccountsAsync(accounts(), openInterest: true, ct) : Task.CompletedTask);
            if (!await DelayAsync(started + SlowEveryMs, ct)) break;
        }
    }

    /// <summary>Leveraged accounts the mark has crossed, not yet seen handled: read four times a second (a partial
    /// liquidation that restores the margin, or a price that came back, shows only in the account).</summary>
    public Task RunAtRiskAsync(CancellationToken ct) => UntilCancelled(LoopAtRiskAsync, ct);

    private async Task LoopAtRiskAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = clock.NowMs;
            // The longest waiting first, at most a few thousand a round: at 100,000 accounts the reads would be the load.
            var atRisk = seen.Watched.Values.Where(w => w.CrossedAt is not null && w.HandledAt is null).OrderBy(w => w.CrossedAt)
                .Take(AtRiskPerRound).Select(w => w.Account).ToList();
            if (atRisk.Count > 0) await SampleAccountsAsync(atRisk, openInterest: false, ct);
            if (!await DelayAsync(started + PriceEveryMs, ct)) break;
        }
    }

    private static async Task UntilCancelled(Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        try
        {
            await loop(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Watches every built position from the size its order filled, and reads each account until its own view shows that
    /// position, for its liquidation price: the market tells an account of its fills one way, so a view read just after
    /// the fill may not show them yet (under load it did not, and the account went unwatched). One that has not shown it
    /// within <see cref="StartDeadline"/> stays watched from its fill, its crossing then seen from its margin ratio or its
    /// liquidation steps; the log says how many.
    /// </summary>
    public async Task WatchAsync(IReadOnlyCollection<BuiltPosition> positions, TextWriter log, CancellationToken ct)
    {
        foreach (var p in positions) seen.Watched[p.Account.Id] = new WatchedAccount(p.Account) { StartSize = p.Size, LastSize = p.Size };
        var waiting = positions.ToDictionary(p => p.Account.Id, p => p.Size);
        var deadline = Environment.TickCount64 + StartDeadline.TotalMilliseconds;
        while (true)
        {
            foreach (var chunk in waiting.Keys.ToArray().Chunk(ViewChunk))
            {
                var answer = await api.AccountViewsAsync(chunk, ct);
                if (!answer.Ok) continue;
                foreach (var view in Json.Read<AccountViewsResponse>(answer.Body).Accounts)
                {
                    var w = seen.Watched[view.AccountId];
                    var position = view.Positions.FirstOrDefault(p => p.Symbol == w.Account.Market);
                    if (position is null || Json.Decimal(position.Size) != waiting[view.AccountId]) continue;
                    w.LiquidationPrice = Json.Decimal(position.LiquidationPrice);
                    waiting.Remove(view.AccountId);
                }
            }
            if (waiting.Count == 0) return;
            if (Environment.TickCount64 >= deadline) break;
            await Task.Delay(StartRetry, ct);
        }
        log.WriteLine($"  {waiting.Count} of {positions.Count} leveraged accounts did not show their position within {StartDeadline.TotalSeconds:0} s; watched from their fills");
    }

    private async Task SamplePricesAsync(MarketInfo market, CancellationToken ct)
    {
        var t = clock.NowMs;
        var tickerAnswer = await api.GetAsync($"/api/v1/markets/{market.Symbol}/ticker", ct);
        var breakerAnswer = await api.GetAsync($"/api/v1/markets/{market.Symbol}/breaker", ct);
        if (!tickerAnswer.Ok || !breakerAnswer.Ok) return;
        var ticker = Json.Read<TickerResponse>(tickerAnswer.Body);
        var breaker = Json.Read<BreakerResponse>(breakerAnswer.Body);
        var index = ticker.IndexStatus is "fresh" or "degraded" ? Json.Decimal(ticker.IndexPrice) : null;
        var mark = Json.Decimal(ticker.MarkPrice);
        live.Update(market.Symbol, new LiveState.MarketView(t, index, mark, ticker.Mode), HistoryMs);
        if (t < 0) return;
        seen.Prices.Enqueue(new PricePoint(t, market.Symbol, index, mark, Json.Decimal(ticker.LastPrice),
            Json.Decimal(breaker.Band?.Low), Json.Decimal(breaker.Band?.High)));
        TrackInterval(market.Symbol, t, ticker, breaker);
        if (mark is { } m) MarkCrossings(market.Symbol, t, m);
    }

    private void TrackInterval(string symbol, long t, TickerResponse ticker, BreakerResponse breaker)
    {
        var state = breaker.State == "paused" ? "paused" : ticker.Mode switch
        {
            "cancel_only" => "cancel-only",
            "halted" => "halted",
            "post_only" => "post-only",
            _ => null,
        };
        lock (_open)
        {
            _open.TryGetValue(symbol, out var open);
            if (open is not null && (state is null || state != open.State))
            {
                _open.Remove(symbol);
                // The auction's uncross is the market's first trade after it, when one came.
                var reopen = state is null && ticker.LastTradeTime is { } lt && lt > (open.LastTradeAtStart ?? 0) ? Json.Decimal(ticker.LastPrice) : null;
                seen.Breakers.Enqueue(new BreakerInterval(symbol, open.From, t, open.State, open.Reason, reopen));
            }
            if (state is not null && (open is null || state != open.State))
                _open[symbol] = new OpenInterval(t, state, Reason(breaker, ticker), ticker.LastTradeTime);
        }
    }

    /// <summary>
    /// <c>band</c> or <c>velocity</c> for the breaker's own trips; <c>index-stale</c> when the market is paused without a
    /// trusted index; otherwise who paused it and the exchange's own reason text (e.g. <c>oracle: ...</c>).
    /// </summary>
    private static string Reason(BreakerResponse breaker, TickerResponse ticker)
    {
        var text = breaker.Reason ?? ticker.ModeReason ?? "";
        if (text.StartsWith("band", StringComparison.Ordinal)) return "band";
        if (text.StartsWith("velocity", StringComparison.Ordinal)) return "velocity";
        if (ticker.IndexStatus is "stale" or null && ticker.Index is not null) return "index-stale";
        var who = breaker.TrippedBy ?? ticker.ModeSetBy ?? "unknown";
        return text.Length == 0 ? who : $"{who}: {(text.Length > 120 ? text[..120] : text)}";
    }

    /// <summary>The intervals still open at the end, closed with no end.</summary>
    public void CloseOpenIntervals()
    {
        lock (_open)
        {
            foreach (var (symbol, open) in _open) seen.Breakers.Enqueue(new BreakerInterval(symbol, open.From, null, open.State, open.Reason, null));
            _open.Clear();
        }
    }

    private void MarkCrossings(string symbol, long t, decimal mark)
    {
        foreach (var w in seen.Watched.Values)
        {
            if (w.Account.Market != symbol || w.CrossedAt is not null || w.LiquidationPrice is not { } price || w.StartSize == 0) continue;
            if (w.Long ? mark <= price : mark >= price) w.CrossedAt = t;
        }
    }

    /// <summary>
    /// Every liquidation step of every market, from the operators' feed after a cursor, four times a second: each step is
    /// kept for the result, and a leveraged account whose steps have closed its whole position is handled at the time
    /// the exchange committed the last of them (not when the runner next reads the account, which at 100,000 accounts
    /// would be seconds later).
    /// </summary>
    public Task RunLiquidationsAsync(CancellationToken ct) => UntilCancelled(LoopLiquidationsAsync, ct);

    private async Task LoopLiquidationsAsync(CancellationToken ct)
    {
        var cursors = markets.Keys.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            var started = clock.NowMs;
            foreach (var symbol in markets.Keys) cursors[symbol] = await FollowLiquidationsAsync(symbol, cursors[symbol], ct);
            if (!await DelayAsync(started + PriceEveryMs, ct)) break;
        }
    }

    /// <summary>Reads the steps after <paramref name="cursor"/> until none are left; returns the new cursor.</summary>
    private async Task<long> FollowLiquidationsAsync(string symbol, long cursor, CancellationToken ct)
    {
        const int Page = 10_000;
        while (true)
        {
            var answer = await api.AdminAsync(HttpMethod.Get, $"/admin/v1/markets/{symbol}/liquidations?after={cursor}&limit={Page}", null, ct);
            if (!answer.Ok) return cursor;
            var page = Json.Read<LiquidationStepsResponse>(answer.Body);
            if (!page.Complete) Interlocked.Increment(ref seen.LiquidationPagesMissed);
            foreach (var step in page.Steps)
            {
                var t = step.Step.Time - clock.StartedAt.ToUnixTimeMilliseconds();
                if (!seen.Liquidations.TryAdd((symbol, step.Step.Sequence), (step, t))) continue;
                if (step.Step.Step != "fee" && seen.Watched.TryGetValue(step.AccountId, out var w)) Closed(w, Json.Decimal(step.Step.Size) ?? 0, t);
            }
            cursor = page.Next;
            if (page.Steps.Length < Page) return cursor;
        }
    }

    private static void Closed(WatchedAccount w, decimal size, long t)
    {
        w.ClosedByLiquidation += size;
        if (w.StartSize == 0 || w.ClosedByLiquidation < Math.Abs(w.StartSize) || w.HandledAt is not null || t < 0) return;
        // Closed before the runner's mark readings (every 250 ms, answered when they are answered) showed the crossing:
        // the crossing was no later than the close, and the time is 0 at the readings' resolution.
        if (w.CrossedAt is null || w.CrossedAt > t) w.CrossedAt = t;
        w.HandledAt = t;
    }

    private async Task SampleFundAsync(MarketInfo market, CancellationToken ct)
    {
        var t = clock.NowMs;
        var answer = await api.GetAsync($"/api/v1/markets/{market.Symbol}/insurance-fund", ct);
        if (!answer.Ok) return;
        var fund = Json.Read<InsuranceFundResponse>(answer.Body);
        var balance = Json.Decimal(fund.Balance)!.Value;
        seen.FundAtStart.TryAdd(market.Symbol, balance);
        seen.FundAnsweredAt[(market.Symbol, t)] = clock.NowMs;
        seen.Funds.Enqueue(new FundPoint(t, market.Symbol, balance, balance * fund.FundLossCapBps / 10_000));
    }

    /// <summary>
    /// The audit, read again no sooner than <see cref="AuditShare"/> times as long as the last reading took after it: an
    /// audit brings every account up to date with its markets, and at 100,000 accounts one reading took seconds of the
    /// exchange's CPU, so read back to back the observer's audits competed with the liquidations they were to observe.
    /// </summary>
    private async Task SampleAuditAsync(CancellationToken ct)
    {
        var t = clock.NowMs;
        var answer = await api.AdminAsync(HttpMethod.Get, "/admin/v1/audit", null, ct);
        _auditDueAt = t + AuditShare * (clock.NowMs - t);
        if (!answer.Ok) return;
        var audit = Json.Read<AuditResponse>(answer.Body);
        seen.LastAudit = audit;
        seen.BadDebt.Enqueue(new BadDebtPoint(t, Json.Decimal(audit.BadDebt)!.Value));
    }

    private async Task SampleAccountsAsync(IReadOnlyCollection<StressAccount> list, bool openInterest, CancellationToken ct)
    {
        var t = clock.NowMs;
        var longs = markets.Keys.ToDictionary(s => s, _ => 0m);
        var fundIds = markets.Values.Select(m => m.FundAccountId).ToHashSet();
        var ids = list.Select(a => a.Id).Concat(openInterest ? fundIds.Where(id => list.All(a => a.Id != id)) : []).ToList();
        foreach (var chunk in ids.Chunk(ViewChunk))
        {
            // Read in the operators' bulk call (at 100,000 accounts one request each was a load of its own on the gateway
            // during the crash). Each chunk is timed on its own: asked when its request left, answered when it came back,
            // so a crossing is never counted late nor a handling early; a sweep of 30,000 accounts takes seconds, and
            // timing a reading by the sweep's start counted it crossed seconds early.
            var asked = clock.NowMs;
            var answer = await api.AccountViewsAsync(chunk, ct);
            if (!answer.Ok) continue;
            var answered = clock.NowMs;
            foreach (var view in Json.Read<AccountViewsResponse>(answer.Body).Accounts)
            {
                foreach (var p in view.Positions)
                    if (Json.Decimal(p.Size) is > 0 and var size && longs.ContainsKey(p.Symbol)) longs[p.Symbol] += size;
                if (seen.Watched.TryGetValue(view.AccountId, out var w)) Watch(w, view, asked, answered);
            }
        }
        if (openInterest && t >= 0)
            foreach (var (symbol, size) in longs) seen.OpenInterest.Enqueue(new OpenInterestPoint(t, symbol, size));
    }

    /// <summary>
    /// One reading of a watched account, asked at <paramref name="asked"/> and answered at <paramref name="answered"/>: a
    /// crossing seen in it counts from when it was asked, a handling from when it was answered, so a slow answer makes
    /// the handling time longer, never shorter.
    /// </summary>
    private static void Watch(WatchedAccount w, AccountResponse view, long asked, long answered)
    {
        var position = view.Positions.FirstOrDefault(p => p.Symbol == w.Account.Market);
        var size = position is null ? 0 : Json.Decimal(position.Size)!.Value;
        if (asked < 0 || w.StartSize == 0) return;
        // Under maintenance by the exchange's own reckoning, before the runner saw the mark cross: that is the crossing.
        if (w.CrossedAt is null && (view.Liquidating || Json.Decimal(view.MarginRatio) >= 1 || Math.Abs(size) < Math.Abs(w.StartSize))) w.CrossedAt = asked;
        if (w.CrossedAt is null && Json.Decimal(position?.LiquidationPrice) is { } price) w.LiquidationPrice = price;
        // Handled: closed, or reduced and back above maintenance with no liquidation still running.
        var reducedAndSafe = Math.Abs(size) < Math.Abs(w.StartSize) && !view.Liquidating && Json.Decimal(view.MarginRatio) is < 1;
        if (w.HandledAt is null && w.CrossedAt is not null && (size == 0 && !view.Liquidating || reducedAndSafe)) w.HandledAt = answered;
        w.LastSize = size;
        w.LastMarginRatio = Json.Decimal(view.MarginRatio);
    }

    private async Task<bool> DelayAsync(long untilMs, CancellationToken ct)
    {
        try
        {
            // A clock that restarted (the run began) is far behind the old target: wait one period, not the difference.
            await clock.UntilAsync(Math.Min(untilMs, clock.NowMs + SlowEveryMs), ct);
            return !ct.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
