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
    /// While accounts wait, the fund is checked at most this often, between two chunks. Waiting costs the fund nothing: it
    /// is deleveraged at its cap's price, whenever that is.
    /// </summary>
    private static readonly TimeSpan FundCheckWhileBusy = TimeSpan.FromSeconds(2);

    private bool _fundCheckDue;
    private long _lastMark; // the latest trusted mark the market told, or a chunk read
    private long _fundCheckedAt, _fundChecksMs, _fundChecks, _fundDeleveraged;
    private (LiquidationRules Rules, MarketRisk Risk)? _terms; // as the last read of the market gave them
    private MarketSpec? _spec;

    public Task OnMark(long mark)
    {
        (_lastMark, _fundCheckDue) = (mark, true);
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
    /// The fund's loss here against its cap. First cheaply, with nothing asked of a market busy with a crash: the fund's
    /// view as this liquidator's takeovers left it, at the latest mark told or read, with the rules and risk of the last read of
    /// the market. Past the cap (rarely), again at now: a trusted mark in a mode that trades, the fees in flight answered
    /// (they move the fund's cursor), the fund caught up with the market; then its whole position is deleveraged at the
    /// cap's price, decided at the fund's cursor (the market refuses it if the fund moved since; the next mark checks
    /// again). The counterparties are ranked as for any account, less what was taken from them here.
    /// </summary>
    private async Task CheckFund()
    {
        var started = clock.GetTimestamp();
        try
        {
            var market = GrainFactory.GetGrain<IMarketGrain>(Symbol);
            _spec ??= await market.GetSpec();
            if (_spec is null || (_terms ?? await ReadTerms(market)) is not var (rules, risk)) return;
            _fundChecks++;
            var seen = await FundView(rules.FundAccountId);
            if (Holding(seen, _lastMark, risk) is not { } cheap || !BackstopPlanner.FundPastCap(cheap, rules)) return;

            var (markRead, summaryRead) = (market.GetMark(), market.GetSummary());
            var (mark, summary) = (await markRead, await summaryRead);
            if (mark.Untrusted || summary.Terms?.Liquidation is null || summary.Mode is not (MarketMode.Open or MarketMode.PostOnly)) return;
            (rules, risk) = (summary.Terms.Liquidation, summary.Terms.Risk);
            _terms = (rules, risk);
            await FeesCharged();
            var now = await GrainFactory.GetGrain<IAccountGrain>(rules.FundAccountId).GetViewAfter(Symbol, long.MaxValue);
            if (Holding(now, mark.Price, risk) is not { } fund || !BackstopPlanner.FundPastCap(fund, rules)) return;
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
                var sequence = outcomes[i].Events.Max(e => e.Sequence);
                // The first look reads the fund's view from here on: it must show the fund deleveraged.
                _fundMustHaveSeen = Math.Max(_fundMustHaveSeen, sequence);
                _taken.Record(t.CounterpartyId, sequence, t.Size);
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

    private async Task<(LiquidationRules, MarketRisk)?> ReadTerms(IMarketGrain market)
    {
        var terms = (await market.GetSummary()).Terms;
        return terms?.Liquidation is { } rules ? _terms = (rules, terms.Risk) : null;
    }

    /// <summary>
    /// The fund's holding here valued at <paramref name="mark"/> (its view's own mark may lag: it learns marks from the
    /// pushes it receives); null when it holds nothing here.
    /// </summary>
    private FundHolding? Holding(AccountView view, long mark, MarketRisk risk)
    {
        var here = view.Positions.FirstOrDefault(p => p.Symbol == Symbol);
        if (here is not { Size: not 0 } || mark <= 0) return null;
        var pnl = new PositionRisk(here.Size, here.Cost, mark, _spec!.NotionalPerTickLot, risk).UnrealisedPnl;
        return new FundHolding(here.Size, here.SettledSequence, pnl, checked(view.Equity - here.UnrealisedPnl + pnl), mark, view.RealisedIn(Symbol));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insurance fund {Fund} of {Symbol} passed its loss cap (unrealised {Pnl} minor units): deleveraged {Lots} of its {Size} lots at {Price}")]
    private partial void LogFundDeleveraged(string symbol, long fund, long pnl, long lots, long size, long price);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Liquidator of {Symbol} could not check its insurance fund's loss cap; the next mark checks again")]
    private partial void LogFundCheckFailed(Exception ex, string symbol);
}
