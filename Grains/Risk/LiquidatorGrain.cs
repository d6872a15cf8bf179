using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Risk;

/// <summary>
/// One market's batched liquidator (<see cref="ILiquidatorGrain"/>): the grain shell around <see cref="BackstopPlanner"/>.
/// The shards' batches go into a waiting set (an account found again while it waits is kept once, at its latest verdict),
/// and the liquidator decides it in chunks of up to 2,048 accounts, one chunk at a time: per chunk it reads the market
/// once (trusted mark, mode, rules, depth) and, beside it, the fund and the deleveraging candidates; then it sends the
/// market at most three batched commands, each step naming the liquidated account's cursor (the market refuses every
/// step of an account that moved since, and so runs a step sent twice once): the single-slice liquidation orders of the
/// accounts the depth may absorb at their bankruptcy prices (<see cref="BookDepth"/>: each account sees the depth the
/// accounts before it in the chunk would take), then their liquidation fees (sent without holding the chunk: they are
/// answered while the next chunk reads); and, at the same time, for those the book
/// cannot absorb, the fund's takeovers within its cap and the minimal deleveraging. An order that found no depth after
/// all waits for the fund and deleveraging in the next chunk; what a slice leaves comes back from the shard when the
/// account reports its new position. It keeps no state that decides money: chunks are decided one after another, each
/// seeing the fund as the previous one left it (the fund's view caught up with the market through the last takeover
/// committed here, less the fees still on their way) and each counterparty less what was taken from it here
/// (deleveraged, or traded against by a liquidation order) after its shard's row; the market refuses a transfer beyond
/// either position all the same. The busier it is, the larger its chunks, so the market's turns and journal writes per
/// account fall as a crash deepens.
/// </summary>
public sealed partial class LiquidatorGrain(IOptions<RiskOptions> options, TimeProvider clock, ILogger<LiquidatorGrain> logger) : Grain, ILiquidatorGrain
{
    private const int Chunk = 2_048; // accounts decided together: a few market turns and journal writes for all of them
    private const int DepthLevels = 256; // levels a side read per chunk, to tell which accounts the book may absorb
    private const long TakenKept = 1_000_000; // market events behind the newest record of what was taken, see TakenSinceRows
    private readonly TakenSinceRows _taken = new();
    private readonly Dictionary<long, Found> _waiting = [];
    private Task? _draining;
    private Task _charging = Task.CompletedTask; // the fees' batches sent and not yet answered (they never fail, see Charge)
    private long _fundAccountId; // the fund the market named last, so the next chunk reads it beside the market
    private long _fundMustHaveSeen, _batches, _chunks, _backstopped, _toBook, _refused, _transfers, _entries, _timed, _totalMs, _slowestMs;
    private long _readMs, _bookMs, _fundMs, _candidatesMs, _transfersMs;

    /// <summary>
    /// An account waiting to be liquidated: its latest entry, the mark of that verdict, when it was first found, and whether
    /// its liquidation order already found no depth (then the fund and deleveraging take it, whatever the book shows).
    /// </summary>
    private sealed record Found(BackstopEntry Entry, long Mark, long NotionalPerTickLot, long FoundAt, bool BookTried = false);

    private string Symbol => this.GetPrimaryKeyString();

    /// <summary>
    /// Takes a shard's batch into the waiting set and returns at once: an account found again before it was handled (the
    /// shard says it again every <see cref="RiskOptions.RenotifyAfter"/>) is kept once, at its latest verdict. Behind a
    /// crash, the liquidator then works through larger chunks of distinct accounts instead of a queue of repeats.
    /// </summary>
    public Task Backstop(BackstopBatch batch)
    {
        _batches++;
        _entries += batch.Entries.Length;
        foreach (var e in batch.Entries) Wait(new Found(e, batch.Mark, batch.NotionalPerTickLot, batch.FoundAt));
        StartDraining();
        return Task.CompletedTask;
    }

    private void StartDraining()
    {
        if (_draining is not { IsCompleted: false }) _draining = Drain();
    }

    /// <summary>Keeps the account's latest verdict (the larger cursor; the later one on a tie) and its first finding time.</summary>
    private void Wait(Found found)
    {
        var known = _waiting.GetValueOrDefault(found.Entry.AccountId);
        if (known is null) _waiting[found.Entry.AccountId] = found;
        else if (found.Entry.Cursor >= known.Entry.Cursor) _waiting[found.Entry.AccountId] = found with { FoundAt = Earliest(known.FoundAt, found.FoundAt) };
    }

    private static long Earliest(long a, long b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b);

    /// <summary>
    /// One chunk at a time until nothing waits, and the fund's cap checked between them when a mark asked for it (on the
    /// grain's turns, between its calls): each step sees the fund as the one before left it.
    /// </summary>
    private async Task Drain()
    {
        do
        {
            while (_waiting.Count > 0 || _fundCheckDue)
            {
                if (_waiting.Count > 0)
                {
                    var chunk = _waiting.Values.Take(Chunk).ToList();
                    foreach (var found in chunk) _waiting.Remove(found.Entry.AccountId);
                    await Liquidate(chunk);
                }
                if (FundCheckNow())
                {
                    _fundCheckDue = false;
                    await CheckFund();
                }
            }
            await FeesCharged(); // the drain ends with its fees answered; accounts found meanwhile are taken up again
        } while (_waiting.Count > 0 || _fundCheckDue);
        _taken.ForgetOlderThan(TakenKept);
    }

    private async Task Liquidate(List<Found> chunk)
    {
        var tellAccounts = new List<long>();
        try
        {
            var market = GrainFactory.GetGrain<IMarketGrain>(Symbol);
            var started = clock.GetTimestamp();
            // Every read at once: the market's three (each waits for a turn of a market that is busy in a crash) beside the
            // backstop's (the fund's view, the candidates from every shard), which then arrive while the book step runs.
            var (markRead, summaryRead, bookRead) = (market.GetMark(), market.GetSummary(), market.GetBook(DepthLevels));
            var backstopReads = new BackstopReads(
                _fundAccountId > 0 ? FundView(_fundAccountId) : null,
                chunk.Any(f => f.Entry.Size > 0) ? ReadCandidates(Side.Sell) : null,
                chunk.Any(f => f.Entry.Size < 0) ? ReadCandidates(Side.Buy) : null);
            var (mark, summary, book) = (await markRead, await summaryRead, await bookRead);
            _readMs += Since(ref started);
            // Never on an untrusted mark, never while paused, halted or cancel-only (liquidation waits for the auction).
            if (mark.Untrusted || summary.Terms?.Liquidation is not { } rules || summary.Mode is not (MarketMode.Open or MarketMode.PostOnly)) return;
            if (rules.FundAccountId != _fundAccountId) (_fundAccountId, backstopReads) = (rules.FundAccountId, backstopReads with { Fund = null });
            (_terms, _lastMark) = ((rules, summary.Terms.Risk), mark.Price);
            var depth = new BookDepth(book.Bids, book.Asks, DepthLevels);
            List<BackstopEntry> toBook = [], backstop = [];
            foreach (var (e, verdictMark, _, _, bookTried) in chunk)
                if (e.AccountId == rules.FundAccountId) _fundCheckDue = true; // never liquidated as a trader: past its cap, deleveraged
                else if (BackstopPlanner.MarkMovedInItsFavour(e.Size, verdictMark, mark.Price)) tellAccounts.Add(e.AccountId);
                else if (bookTried || !depth.Take(Math.Sign(e.Size) * LiquidationPolicy.Slice(e.Size, rules), e.BankruptcyPrice)) backstop.Add(e);
                else if (Math.Abs(e.Size) <= rules.SliceLots) toBook.Add(e);
                else tellAccounts.Add(e.AccountId); // several slices with a cooldown between them: the account paces its own
            // Valued at the mark of now (the verdicts' may be older, and worse for the fund if the price moved on).
            var now = new BackstopBatch(Symbol, mark.Price, chunk[0].NotionalPerTickLot, []);
            // The two steps concern different accounts and go to the market together (one group commit when they meet):
            // a counterparty both traded against and deleveraged in one chunk is refused beyond its position by the book.
            var bookStep = toBook.Count > 0 ? ThroughBook(market, toBook, now, rules, summary.Terms.Risk.TakerFeeBps, chunk) : Task.FromResult<IEnumerable<long>>([]);
            var backstopStep = backstop.Count > 0 ? FundAndDeleverage(market, backstop, now, rules, backstopReads) : Task.FromResult<IEnumerable<long>>([]);
            tellAccounts.AddRange(await bookStep);
            tellAccounts.AddRange(await backstopStep);
        }
        catch (Exception ex)
        {
            // Nothing is lost: a step either committed (the accounts learn it from their streams) or did not; the accounts
            // decide for themselves.
            LogBatchFailed(ex, Symbol);
            tellAccounts.AddRange(chunk.Select(f => f.Entry.AccountId));
        }
        finally
        {
            _chunks++;
            _refused += tellAccounts.Count;
            var nowTicks = clock.GetUtcNow().UtcTicks;
            foreach (var found in chunk.Where(f => f.FoundAt > 0 && !_waiting.ContainsKey(f.Entry.AccountId)))
            {
                var ms = Math.Max(0, (nowTicks - found.FoundAt) / TimeSpan.TicksPerMillisecond);
                (_timed, _totalMs, _slowestMs) = (_timed + 1, _totalMs + ms, Math.Max(_slowestMs, ms));
            }
            if (tellAccounts.Count > 0) _ = GrainFactory.GetGrain<IRiskNotifierGrain>(0).CheckLiquidation([.. tellAccounts.Distinct()]);
        }
    }

    public Task<LiquidatorStats> Stats() => Task.FromResult(new LiquidatorStats(_batches, _backstopped, _toBook, _refused, _transfers, _entries,
        _timed == 0 ? 0 : _totalMs / _timed, _slowestMs, _chunks, _waiting.Count,
        new LiquidatorTime(_readMs, _bookMs, _fundMs, _candidatesMs, _transfersMs, _fundChecksMs), _fundChecks, _fundDeleveraged));

    /// <summary>Milliseconds since <paramref name="started"/>, which moves on to now.</summary>
    private long Since(ref long started)
    {
        var now = clock.GetTimestamp();
        var ms = (long)clock.GetElapsedTime(started, now).TotalMilliseconds;
        started = now;
        return ms;
    }

    /// <summary>
    /// One immediate-or-cancel, reduce-only liquidation order per account at its bankruptcy price (client order id from
    /// its cursor, as the account itself would), then the fees on what traded; returns the accounts refused. An order that
    /// traded nothing (the orders before it took the depth) waits again at the account's cursor after it, for the fund and
    /// deleveraging in the next chunk; one that traded part comes back from the shard when the account reports its smaller
    /// position.
    /// </summary>
    private async Task<IEnumerable<long>> ThroughBook(IMarketGrain market, List<BackstopEntry> entries, BackstopBatch batch, LiquidationRules rules,
        int takerFeeBps, List<Found> chunk)
    {
        var started = clock.GetTimestamp();
        _toBook += entries.Count;
        var orders = entries.Select(e => (MarketCommand)new PlaceCommand(new PlaceOrder(e.AccountId, e.Size > 0 ? Side.Sell : Side.Buy,
            OrderType.Limit, e.BankruptcyPrice, Math.Abs(e.Size), TimeInForce.ImmediateOrCancel, OrderFlags.ReduceOnly | OrderFlags.Liquidation,
            SelfTradePrevention.CancelTaker, $"liq-{e.Cursor}"), e.Cursor)).ToArray();
        var outcomes = await market.ExecuteBatch(orders);
        var refused = new List<long>();
        var fees = new List<MarketCommand>();
        for (var i = 0; i < entries.Count; i++)
        {
            var (e, outcome) = (entries[i], outcomes[i]);
            if (outcome.Status != CommandStatus.Committed || outcome.Events.Any(x => x.Kind == EventKind.OrderRejected)) { refused.Add(e.AccountId); continue; }
            var trades = outcome.Events.Where(x => x.Kind == EventKind.TradeExecuted && x.AccountId == e.AccountId).ToArray();
            // The makers' positions moved after the candidates were read: a maker among them must not be deleveraged beyond
            // what it holds now (counted as taken from it until its shard's row includes the trade).
            foreach (var x in trades) _taken.Record(EventKinds.CounterpartyOf(x), x.Sequence, x.Size);
            var fills = trades.Select(x => (x.Price, x.Size)).ToArray();
            var fee = BackstopPlanner.FeeAfterFills(e, batch.Mark, batch.NotionalPerTickLot, takerFeeBps, rules.FeeBps, fills);
            // The fee is decided at the account's cursor after its order: its last event in the order's outcome.
            var after = outcome.Events.Where(x => x.AccountId == e.AccountId || EventKinds.CounterpartyOf(x) == e.AccountId).Max(x => x.Sequence);
            if (fills.Length == 0) Wait(chunk.First(f => f.Entry.AccountId == e.AccountId) with { Entry = e with { Cursor = after }, BookTried = true });
            else if (fee > 0) fees.Add(new ChargeLiquidationFeeCommand(e.AccountId, fee, after));
        }
        // The fees do not hold the chunk: their batch goes to the market now and is answered while the next chunk reads
        // and sends (often in the same group commit). A fee refused (the account moved after its order) is not charged
        // again: at most once, never twice.
        if (fees.Count > 0) _charging = Task.WhenAll(_charging, Charge(market, [.. fees]));
        _bookMs += Since(ref started);
        return refused;
    }

    /// <summary>One batch of liquidation fees; a failure is logged and the fees are not charged (never charged twice).</summary>
    private async Task Charge(IMarketGrain market, MarketCommand[] fees)
    {
        try { await market.ExecuteBatch(fees); }
        catch (Exception ex) { LogFeesFailed(ex, Symbol, fees.Length); }
    }

    private async Task FeesCharged()
    {
        await _charging;
        _charging = Task.CompletedTask;
    }

    /// <summary>
    /// The backstop's reads, started beside the market's: the fund's view (null when the fund is not known yet, or the
    /// market named another) and the candidates from every shard on each side the chunk needs (null when it needs none).
    /// </summary>
    private sealed record BackstopReads(Task<AccountView>? Fund, Task<AdlCandidate[][]>? Shorts, Task<AdlCandidate[][]>? Longs);

    /// <summary>
    /// The fund's view, which must include the last takeover committed here (its loss cap counts it): if that takeover's
    /// push has not reached the fund (lost, or late), the fund asks the market for what it missed first. Read before the
    /// chunk's book step, it leaves out that step's fees and any earlier ones not yet committed: the fund is valued lower
    /// than it is, which only narrows its cap.
    /// </summary>
    private Task<AccountView> FundView(long fundAccountId) => GrainFactory.GetGrain<IAccountGrain>(fundAccountId).GetViewAfter(Symbol, _fundMustHaveSeen);

    /// <summary>The fund's takeovers within its cap and the minimal deleveraging, in one batch; returns the accounts refused.</summary>
    private async Task<IEnumerable<long>> FundAndDeleverage(IMarketGrain market, List<BackstopEntry> entries, BackstopBatch batch, LiquidationRules rules,
        BackstopReads reads)
    {
        var started = clock.GetTimestamp();
        var fund = await (reads.Fund ?? FundView(rules.FundAccountId));
        _fundMs += Since(ref started);
        var shorts = entries.Any(e => e.Size > 0) ? _taken.Ranked((await (reads.Shorts ?? ReadCandidates(Side.Sell))).SelectMany(c => c)) : [];
        var longs = entries.Any(e => e.Size < 0) ? _taken.Ranked((await (reads.Longs ?? ReadCandidates(Side.Buy))).SelectMany(c => c)) : [];
        _candidatesMs += Since(ref started);
        // Its loss here, realised included: a fund deleveraged at its cap takes nothing more here.
        var fundHere = fund.PnlIn(Symbol);
        var plan = BackstopPlanner.Plan(entries, batch.Mark, batch.NotionalPerTickLot, fund.Equity, fundHere, rules, shorts, longs);
        if (plan.Sum(p => p.Transfer.Size) < entries.Where(e => e.AccountId != rules.FundAccountId).Sum(e => Math.Abs(e.Size)))
            RiskShards.RelearnHolders(GrainFactory, options.Value, Symbol);
        if (plan.Count == 0) return []; // nobody can take anything: what is left is bad debt until the fund or a counterparty can
        var outcomes = await market.ExecuteBatch([.. plan.Select(p => (MarketCommand)new TransferPositionCommand(p.Transfer, p.AccountCursor))]);
        _transfersMs += Since(ref started);
        var refused = new HashSet<long>();
        for (var i = 0; i < plan.Count; i++)
        {
            var (t, outcome) = (plan[i].Transfer, outcomes[i]);
            if (outcome.Status != CommandStatus.Committed || outcome.Events.Any(e => e.Kind == EventKind.OrderRejected)) { refused.Add(t.AccountId); continue; }
            var sequence = outcome.Events.Max(e => e.Sequence);
            if (t.Kind == PositionTransferKind.Takeover) _fundMustHaveSeen = Math.Max(_fundMustHaveSeen, sequence);
            else _taken.Record(t.CounterpartyId, sequence, t.Size);
            _transfers++;
        }
        _backstopped += plan.Select(p => p.Transfer.AccountId).Distinct().Count(id => !refused.Contains(id));
        return refused;
    }

    /// <summary>Profitable positions on a side from every shard, as each shard ranked them.</summary>
    private Task<AdlCandidate[][]> ReadCandidates(Side side)
    {
        var shards = options.Value.Shards;
        return Task.WhenAll(Enumerable.Range(0, shards).Select(s =>
            GrainFactory.GetGrain<IRiskShardGrain>(s).DeleverageCandidates(Symbol, side, 0, options.Value.DeleverageCandidates)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Liquidator of {Symbol} could not finish a batch; its accounts decide themselves")]
    private partial void LogBatchFailed(Exception ex, string symbol);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Liquidator of {Symbol} could not charge {Count} liquidation fees; they are not charged")]
    private partial void LogFeesFailed(Exception ex, string symbol, int count);
}
