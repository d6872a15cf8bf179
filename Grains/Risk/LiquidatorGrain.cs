using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Risk;

/// <summary>
/// One market's batched liquidator (<see cref="ILiquidatorGrain"/>): the grain shell around <see cref="BackstopPlanner"/>.
/// Per batch from a shard it reads the market once (trusted mark, mode, rules, top of book), and sends the market at most
/// three batched commands, each step naming the liquidated account's cursor (the market refuses every step of an account
/// that moved since, and so runs a batch sent twice once): the single-slice liquidation orders of the accounts the book
/// may absorb at their bankruptcy prices, then their liquidation fees; and, for those the book cannot absorb, the fund's
/// takeovers within its cap and the minimal deleveraging (the fund read once, the candidates once per shard). What a slice
/// leaves comes back from the shard when the account reports its new position. It keeps no state that decides money, and
/// is not reentrant: batches are decided one after another, each seeing the fund as the previous one left it (it waits
/// until the fund's view includes the last takeover it committed) and each counterparty less what it already took.
/// </summary>
public sealed partial class LiquidatorGrain(IOptions<RiskOptions> options, TimeProvider clock, ILogger<LiquidatorGrain> logger) : Grain, ILiquidatorGrain
{
    private static readonly TimeSpan FundCatchUp = TimeSpan.FromSeconds(1);
    private readonly Dictionary<long, List<(long Sequence, long Lots)>> _deleveraged = [];
    private long _fundMustHaveSeen, _batches, _backstopped, _toBook, _refused, _transfers;

    private string Symbol => this.GetPrimaryKeyString();

    public async Task Backstop(BackstopBatch batch)
    {
        _batches++;
        var tellAccounts = new List<long>();
        try
        {
            var market = GrainFactory.GetGrain<IMarketGrain>(Symbol);
            var mark = await market.GetMark();
            var summary = await market.GetSummary();
            // Never on an untrusted mark, never while paused, halted or cancel-only (liquidation waits for the auction).
            if (mark.Untrusted || summary.Terms?.Liquidation is not { } rules || summary.Mode is not (MarketMode.Open or MarketMode.PostOnly)) return;
            var top = await market.GetBook(1);
            long bestBid = top.Bids.Length > 0 ? top.Bids[0].Price : 0, bestAsk = top.Asks.Length > 0 ? top.Asks[0].Price : 0;
            List<BackstopEntry> toBook = [], backstop = [];
            foreach (var e in batch.Entries)
                if (BackstopPlanner.MarkMovedInItsFavour(e.Size, batch.Mark, mark.Price)) tellAccounts.Add(e.AccountId);
                else if (!BackstopPlanner.BookMayAbsorb(e.Size, e.BankruptcyPrice, bestBid, bestAsk)) backstop.Add(e);
                else if (Math.Abs(e.Size) <= rules.SliceLots) toBook.Add(e);
                else tellAccounts.Add(e.AccountId); // several slices with a cooldown between them: the account paces its own
            // Valued at the mark of now (the verdict's may be older, and worse for the fund if the price moved on).
            var now = batch with { Mark = mark.Price };
            if (toBook.Count > 0) tellAccounts.AddRange(await ThroughBook(market, toBook, now, rules, summary.Terms.Risk.TakerFeeBps, backstop));
            if (backstop.Count > 0) tellAccounts.AddRange(await FundAndDeleverage(market, backstop, now, rules));
        }
        catch (Exception ex)
        {
            // Nothing is lost: a step either committed (the accounts learn it from their streams) or did not; the accounts
            // decide for themselves.
            LogBatchFailed(ex, Symbol);
            tellAccounts.AddRange(batch.Entries.Select(e => e.AccountId));
        }
        finally
        {
            _refused += tellAccounts.Count;
            if (tellAccounts.Count > 0) _ = GrainFactory.GetGrain<IRiskNotifierGrain>(0).CheckLiquidation([.. tellAccounts.Distinct()]);
        }
    }

    public Task<LiquidatorStats> Stats() => Task.FromResult(new LiquidatorStats(_batches, _backstopped, _toBook, _refused, _transfers));

    /// <summary>
    /// One immediate-or-cancel, reduce-only liquidation order per account at its bankruptcy price (client order id from
    /// its cursor, as the account itself would), then the fees on what traded; returns the accounts refused. An order that
    /// traded nothing (the orders before it in the batch took the depth) joins <paramref name="backstop"/> at the account's
    /// cursor after it; one that traded part comes back from the shard when the account reports its smaller position.
    /// </summary>
    private async Task<IEnumerable<long>> ThroughBook(IMarketGrain market, List<BackstopEntry> entries, BackstopBatch batch, LiquidationRules rules,
        int takerFeeBps, List<BackstopEntry> backstop)
    {
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
            var fills = outcome.Events.Where(x => x.Kind == EventKind.TradeExecuted && x.AccountId == e.AccountId).Select(x => (x.Price, x.Size)).ToArray();
            var fee = BackstopPlanner.FeeAfterFills(e, batch.Mark, batch.NotionalPerTickLot, takerFeeBps, rules.FeeBps, fills);
            // The fee is decided at the account's cursor after its order: its last event in the order's outcome.
            var after = outcome.Events.Where(x => x.AccountId == e.AccountId || EventKinds.CounterpartyOf(x) == e.AccountId).Max(x => x.Sequence);
            if (fills.Length == 0) backstop.Add(e with { Cursor = after });
            else if (fee > 0) fees.Add(new ChargeLiquidationFeeCommand(e.AccountId, fee, after));
        }
        // A fee refused (the account moved after its order) is not charged again: at most once, never twice.
        if (fees.Count > 0) await market.ExecuteBatch([.. fees]);
        return refused;
    }

    /// <summary>The fund's takeovers within its cap and the minimal deleveraging, in one batch; returns the accounts refused.</summary>
    private async Task<IEnumerable<long>> FundAndDeleverage(IMarketGrain market, List<BackstopEntry> entries, BackstopBatch batch, LiquidationRules rules)
    {
        var fund = await FundView(rules.FundAccountId);
        if (fund is null) return entries.Select(e => e.AccountId);
        var shorts = entries.Any(e => e.Size > 0) ? await Candidates(Side.Sell) : [];
        var longs = entries.Any(e => e.Size < 0) ? await Candidates(Side.Buy) : [];
        var fundHere = fund.Positions.FirstOrDefault(p => p.Symbol == Symbol)?.UnrealisedPnl ?? 0;
        var plan = BackstopPlanner.Plan(entries, batch.Mark, batch.NotionalPerTickLot, fund.Equity, fundHere, rules, shorts, longs);
        if (plan.Count == 0) return []; // nobody can take anything: what is left is bad debt until the fund or a counterparty can
        var outcomes = await market.ExecuteBatch([.. plan.Select(p => (MarketCommand)new TransferPositionCommand(p.Transfer, p.AccountCursor))]);
        var refused = new HashSet<long>();
        for (var i = 0; i < plan.Count; i++)
        {
            var (t, outcome) = (plan[i].Transfer, outcomes[i]);
            if (outcome.Status != CommandStatus.Committed || outcome.Events.Any(e => e.Kind == EventKind.OrderRejected)) { refused.Add(t.AccountId); continue; }
            var sequence = outcome.Events.Max(e => e.Sequence);
            if (t.Kind == PositionTransferKind.Takeover) _fundMustHaveSeen = Math.Max(_fundMustHaveSeen, sequence);
            else Deleveraged(t.CounterpartyId, sequence, t.Size);
            _transfers++;
        }
        _backstopped += plan.Select(p => p.Transfer.AccountId).Distinct().Count(id => !refused.Contains(id));
        return refused;
    }

    /// <summary>The fund's view once it includes the last takeover committed here (its loss cap must count it); null if it
    /// does not within <see cref="FundCatchUp"/>.</summary>
    private async Task<AccountView?> FundView(long fundAccountId)
    {
        var fund = GrainFactory.GetGrain<IAccountGrain>(fundAccountId);
        var started = clock.GetTimestamp();
        while (true)
        {
            var view = await fund.GetView();
            if (_fundMustHaveSeen == 0 || view.Positions.Any(p => p.Symbol == Symbol && p.SettledSequence >= _fundMustHaveSeen)) return view;
            if (clock.GetElapsedTime(started) > FundCatchUp) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(2), clock);
        }
    }

    /// <summary>
    /// Profitable positions on a side, best ranked first across every shard, each less what this liquidator deleveraged
    /// against it after the cursor of the shard's row (the shard's view of it may lag its own events).
    /// </summary>
    private async Task<AdlCandidate[]> Candidates(Side side)
    {
        var shards = options.Value.Shards;
        var found = await Task.WhenAll(Enumerable.Range(0, shards).Select(s =>
            GrainFactory.GetGrain<IRiskShardGrain>(s).DeleverageCandidates(Symbol, side, 0, options.Value.DeleverageCandidates)));
        var ranked = new List<AdlCandidate>();
        foreach (var c in found.SelectMany(c => c))
        {
            if (!_deleveraged.TryGetValue(c.AccountId, out var since)) { ranked.Add(c); continue; }
            var left = c.Less(since);
            if (c.Cursor >= 0) since.RemoveAll(d => d.Sequence <= c.Cursor); // the row includes these now
            if (left.Size != 0) ranked.Add(left);
        }
        return [.. ranked.OrderByDescending(c => c.Score).ThenBy(c => c.AccountId)];
    }

    private void Deleveraged(long counterparty, long sequence, long lots)
    {
        if (!_deleveraged.TryGetValue(counterparty, out var since)) _deleveraged[counterparty] = since = [];
        since.Add((sequence, lots));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Liquidator of {Symbol} could not finish a batch; its accounts decide themselves")]
    private partial void LogBatchFailed(Exception ex, string symbol);
}
