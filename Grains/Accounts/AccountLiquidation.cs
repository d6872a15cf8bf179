using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;
using Microsoft.Extensions.Logging;

namespace Exchange.Accounts;

/// <summary>
/// Drives one account's liquidation with <see cref="LiquidationPolicy"/>, in the order every large venue uses: at fresh,
/// trusted marks confirm the account is under maintenance; cancel its orders in every market (margin is cross); then,
/// market by market (largest maintenance first), send an immediate-or-cancel reduce-only liquidation order no worse than
/// the bankruptcy price, one slice at a time with the market's cooldown between slices; charge the liquidation fee to
/// the market's insurance fund, never beyond what keeps the account at zero; what the book did not absorb at the
/// bankruptcy price goes to the fund up to its loss cap; the rest is auto-deleveraged against the best-ranked
/// profitable opposite positions, exactly as much as is left. Whatever nobody takes stays, and shows as bad debt.
/// <para>
/// Exactly once across failures: every step is decided at the account's cursor in that market after catching up, and
/// the market refuses a takeover, deleveraging or fee if the account has moved since (a retry, or a new activation
/// while an old message was in flight); liquidation orders carry client order ids made from that cursor, which the
/// market refuses twice. Nothing is decided on an untrusted mark or while a market is paused: the step waits, and the
/// risk view tells the account again.
/// </para>
/// </summary>
internal sealed class AccountLiquidation(long accountId, AccountLedger ledger, AccountMarkets markets, IGrainFactory grains,
    RiskOptions options, TimeProvider clock, ILogger logger)
{
    private const int MaxSteps = 1_000;
    private Task? _running;

    public bool InProgress => _running is { IsCompleted: false };

    /// <summary>Starts a liquidation check unless one is running (on the grain's scheduler: the caller is the grain).</summary>
    public void Check()
    {
        if (InProgress) return;
        _running = Run();
    }

    private async Task Run()
    {
        try
        {
            for (var step = 0; step < MaxSteps; step++)
            {
                var marks = await markets.Marks(MarkAge.Current);
                if (!markets.MayLiquidate(marks) || !IsUnder(marks)) return;
                var target = ledger.Markets.Where(m => m.Position.Size != 0)
                    .MaxBy(m => MarginSchedule.Maintenance(m.Risk, m.Position.Notional(m.Spec, marks.GetValueOrDefault(m.Spec.Symbol))));
                if (target is null) return;
                var summary = await markets.Market(target.Spec.Symbol).GetSummary();
                if (summary.Terms?.Liquidation is not { } rules || summary.Mode is not (MarketMode.Open or MarketMode.PostOnly))
                    return; // no rules there (no liquidation in that market), or it is paused, halted or cancel-only: told again later
                // The market's insurance fund is never liquidated as a trader: past its loss cap, the liquidator deleverages it.
                if (rules.FundAccountId == accountId) return;
                if (await CancelOrders()) continue; // cancelling released margin: look again at fresh marks
                if (!await CloseSlice(target, rules, marks))
                {
                    // What neither the fund nor deleveraging could take stays (bad debt if equity is negative) until told again.
                    if (!await Backstop(target, rules)) return;
                }
                else if (rules.CooldownMs > 0 && target.Position.Size != 0)
                    await Task.Delay(TimeSpan.FromMilliseconds(rules.CooldownMs), clock);
            }
        }
        catch (Exception ex)
        {
            logger.LiquidationFailed(ex, accountId);
        }
    }

    private bool IsUnder(Dictionary<string, long> marks)
    {
        long MarkOf(string s) => marks.GetValueOrDefault(s);
        return ledger.Markets.Any(m => m.Position.Size != 0) && ledger.Equity(MarkOf) < ledger.MaintenanceMargin(MarkOf);
    }

    /// <summary>Cancels every open order in every market; true if there were any.</summary>
    private async Task<bool> CancelOrders()
    {
        var withOrders = ledger.Markets.Where(m => m.OpenOrders.Count > 0).Select(m => m.Spec.Symbol).ToArray();
        foreach (var symbol in withOrders) await markets.ExecuteAndSettle(symbol, new CancelAllCommand(accountId));
        return withOrders.Length > 0;
    }

    /// <summary>Sends one slice to the book at the bankruptcy price; false when the book absorbed less than the slice.</summary>
    private async Task<bool> CloseSlice(MarketExposure m, LiquidationRules rules, Dictionary<string, long> marks)
    {
        var symbol = m.Spec.Symbol;
        var mark = marks.GetValueOrDefault(symbol);
        var size = m.Position.Size;
        var bankruptcy = LiquidationPolicy.BankruptcyPrice(m.Spec, ledger.Equity(s => marks.GetValueOrDefault(s)), size, mark);
        var slice = LiquidationPolicy.Slice(size, rules);
        var side = size > 0 ? Side.Sell : Side.Buy;
        var order = new PlaceOrder(accountId, side, OrderType.Limit, bankruptcy, slice, TimeInForce.ImmediateOrCancel,
            OrderFlags.ReduceOnly | OrderFlags.Liquidation, SelfTradePrevention.CancelTaker, $"liq-{m.Cursor}");
        var outcome = await markets.ExecuteAndSettle(symbol, new PlaceCommand(order));
        if (outcome.Status != CommandStatus.Committed) return true; // not known to have run: decide again at fresh marks
        long filled = 0, notional = 0;
        foreach (var e in outcome.Events)
            if (e.Kind == EventKind.TradeExecuted && e.AccountId == accountId)
            {
                filled += e.Size;
                notional = checked(notional + Money.Notional(m.Spec, e.Price, e.Size));
            }
        if (filled > 0) await ChargeFee(m, rules, notional);
        return filled >= slice;
    }

    private async Task ChargeFee(MarketExposure m, LiquidationRules rules, long notional)
    {
        var marks = await markets.Marks(MarkAge.Current);
        var fee = LiquidationPolicy.Fee(notional, rules.FeeBps, ledger.Equity(s => marks.GetValueOrDefault(s)));
        if (fee > 0) await markets.ExecuteAndSettle(m.Spec.Symbol, new ChargeLiquidationFeeCommand(accountId, fee, m.Cursor));
    }

    /// <summary>The fund takes what it can within its cap at the bankruptcy price; the rest is deleveraged. False when
    /// some of the position is left over (nobody to take it) or a step was refused.</summary>
    private async Task<bool> Backstop(MarketExposure m, LiquidationRules rules)
    {
        var symbol = m.Spec.Symbol;
        var marks = await markets.Marks(MarkAge.Current);
        var mark = marks.GetValueOrDefault(symbol);
        var size = m.Position.Size;
        if (size == 0) return true;
        if (!markets.MayLiquidate(marks)) return false;
        var bankruptcy = LiquidationPolicy.BankruptcyPrice(m.Spec, ledger.Equity(s => marks.GetValueOrDefault(s)), size, mark);
        var side = size > 0 ? Side.Sell : Side.Buy;
        // The fund's loss cap counts its takeovers in this market, the liquidator's too: it catches up with the market first.
        var fund = await grains.GetGrain<IAccountGrain>(rules.FundAccountId).GetViewAfter(symbol, long.MaxValue);
        // What it realised there counts too: a fund deleveraged at its cap takes nothing more there.
        var lossSoFar = -Math.Min(0, fund.PnlIn(symbol));
        var taken = LiquidationPolicy.FundTakeover(size, bankruptcy, mark, m.Spec.NotionalPerTickLot, fund.Equity, rules, lossSoFar);
        if (taken > 0)
        {
            var outcome = await markets.ExecuteAndSettle(symbol, new TransferPositionCommand(
                new PositionTransfer(PositionTransferKind.Takeover, accountId, rules.FundAccountId, side, bankruptcy, taken), m.Cursor));
            if (outcome.Status != CommandStatus.Committed || Rejected(outcome)) return false;
        }
        var rest = Math.Abs(m.Position.Size);
        if (rest == 0) return true;
        // Deleveraging: positions opposite the liquidated one (shorts, when a long is closed by selling: the closing side
        // names them), profitable, best ranked first across the shards.
        var candidates = (await Task.WhenAll(Enumerable.Range(0, options.Shards).Select(shard =>
                grains.GetGrain<IRiskShardGrain>(shard).DeleverageCandidates(symbol, side, accountId, options.DeleverageCandidates))))
            .SelectMany(c => c).Where(c => c.AccountId != rules.FundAccountId)
            .OrderByDescending(c => c.Score).ThenBy(c => c.AccountId);
        var deleverage = LiquidationPolicy.Deleverage(rest, candidates);
        if (deleverage.Sum(d => d.Size) < rest) RiskShards.RelearnHolders(grains, options, symbol);
        foreach (var (counterparty, lots) in deleverage)
        {
            var outcome = await markets.ExecuteAndSettle(symbol, new TransferPositionCommand(
                new PositionTransfer(PositionTransferKind.Deleverage, accountId, counterparty, side, bankruptcy, lots), m.Cursor));
            if (outcome.Status != CommandStatus.Committed || Rejected(outcome)) return false;
        }
        return m.Position.Size == 0;
    }

    private static bool Rejected(CommandOutcome outcome) => outcome.Events.Any(e => e.Kind == EventKind.OrderRejected);
}
