using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;

namespace Exchange.Risk;

/// <summary>
/// The fund's side of the liquidator: its takeovers are bounded by its loss cap when they are made, but the price can run
/// on after the last account was handled. Every new trusted mark while the fund holds a position here (the market tells
/// it) has the fund's loss checked against the cap, and past it the fund is deleveraged (<see cref="BackstopPlanner.DeleverageFund"/>).
/// </summary>
public sealed partial class LiquidatorGrain
{
    /// <summary>
    /// While accounts wait, the fund is checked at most this often: each check is a few reads of a market busy with the
    /// crash, between two chunks. Waiting costs the fund nothing (it is deleveraged at its cap's price, whenever that is).
    /// </summary>
    private static readonly TimeSpan FundCheckWhileBusy = TimeSpan.FromSeconds(2);

    private bool _fundCheckDue;
    private long _fundCheckedAt, _fundChecksMs;
    private long _fundChecks, _fundDeleveraged;
    private MarketSpec? _spec;

    public Task OnMark(long mark)
    {
        _fundCheckDue = true;
        StartDraining();
        return Task.CompletedTask;
    }

    private bool FundCheckNow()
    {
        if (!_fundCheckDue || (_waiting.Count > 0 && _fundCheckedAt != 0 && clock.GetElapsedTime(_fundCheckedAt) < FundCheckWhileBusy)) return false;
        _fundCheckedAt = clock.GetTimestamp();
        return true;
    }

    /// <summary>
    /// The fund's loss here against its cap, at a trusted mark in a mode that trades: past it, the whole position is
    /// deleveraged at the cap's price, decided at the fund's cursor (the market refuses it if the fund moved since; the
    /// next mark checks again). The counterparties are ranked as for any account, less what was taken from them here.
    /// </summary>
    private async Task CheckFund()
    {
        var started = clock.GetTimestamp();
        try
        {
            var market = GrainFactory.GetGrain<IMarketGrain>(Symbol);
            var (markRead, summaryRead) = (market.GetMark(), market.GetSummary());
            _spec ??= await market.GetSpec();
            var (mark, summary) = (await markRead, await summaryRead);
            if (_spec is null || mark.Untrusted || summary.Terms?.Liquidation is not { } rules
                || summary.Mode is not (MarketMode.Open or MarketMode.PostOnly)) return;
            _fundChecks++;
            if (await Fund(rules, mark.Price, summary.Terms.Risk) is not { } fund || !BackstopPlanner.FundPastCap(fund, rules)) return;
            // Past it: the fees in flight move the fund's cursor, at which its deleveraging is decided; read it after them.
            await FeesCharged();
            if (await Fund(rules, mark.Price, summary.Terms.Risk) is not { } after || !BackstopPlanner.FundPastCap(after, rules)) return;
            fund = after;
            var ranked = _taken.Ranked((await ReadCandidates(fund.Size > 0 ? Side.Sell : Side.Buy)).SelectMany(c => c));
            var plan = BackstopPlanner.DeleverageFund(fund, _spec.NotionalPerTickLot, _spec.MinPrice, _spec.MaxPrice, rules, ranked);
            if (plan.Sum(p => p.Transfer.Size) < Math.Abs(fund.Size)) RiskShards.RelearnHolders(GrainFactory, options.Value, Symbol);
            if (plan.Count == 0) return;
            var outcomes = await market.ExecuteBatch([.. plan.Select(p => (MarketCommand)new TransferPositionCommand(p.Transfer, p.AccountCursor))]);
            long lots = 0;
            for (var i = 0; i < plan.Count; i++)
            {
                if (outcomes[i].Status != CommandStatus.Committed || outcomes[i].Events.Any(e => e.Kind == EventKind.OrderRejected)) continue;
                var t = plan[i].Transfer;
                _taken.Record(t.CounterpartyId, outcomes[i].Events.Max(e => e.Sequence), t.Size);
                (_transfers, lots) = (_transfers + 1, lots + t.Size);
            }
            _fundDeleveraged += lots;
            LogFundDeleveraged(Symbol, rules.FundAccountId, fund.UnrealisedPnl, lots, fund.Size, plan[0].Transfer.Price);
        }
        catch (Exception ex)
        {
            LogFundCheckFailed(ex, Symbol); // nothing ran or it committed whole; the next mark checks again
        }
        finally
        {
            _fundChecksMs += Since(ref started);
        }
    }

    /// <summary>The fund's holding here, caught up with the market to now (its cursor names everything it holds here); null when flat.</summary>
    private async Task<FundHolding?> Fund(LiquidationRules rules, long mark, MarketRisk risk)
    {
        var view = await GrainFactory.GetGrain<IAccountGrain>(rules.FundAccountId).GetViewAfter(Symbol, long.MaxValue);
        var here = view.Positions.FirstOrDefault(p => p.Symbol == Symbol);
        if (here is not { Size: not 0 }) return null;
        // Valued at the market's mark of now: the fund's own may lag (it learns marks from the pushes it receives).
        var pnl = new PositionRisk(here.Size, here.Cost, mark, _spec!.NotionalPerTickLot, risk).UnrealisedPnl;
        return new FundHolding(here.Size, here.SettledSequence, pnl, checked(view.Equity - here.UnrealisedPnl + pnl), mark);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insurance fund {Fund} of {Symbol} passed its loss cap (unrealised {Pnl} minor units): deleveraged {Lots} of its {Size} lots at {Price}")]
    private partial void LogFundDeleveraged(string symbol, long fund, long pnl, long lots, long size, long price);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Liquidator of {Symbol} could not check its insurance fund's loss cap; the next mark checks again")]
    private partial void LogFundCheckFailed(Exception ex, string symbol);
}
