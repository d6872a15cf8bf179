using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Exchange.Accounts;

/// <summary>
/// One account: pre-trade risk, transfers, and settlement of its fills. Reentrant, so that fills arriving from
/// markets are never stuck behind the account's own order waiting on a market (calls go account to market only;
/// markets send events one way). Each check-and-reserve runs without an await between the check and the
/// reservation, so concurrent orders and withdrawals see each other. The grain loads, checks, asks the ledger and
/// replies; keeping in step with the markets is <see cref="AccountMarkets"/>'s, money in and out
/// <see cref="AccountTransfers"/>', snapshots <see cref="AccountSnapshots"/>'.
/// </summary>
[Reentrant]
// Spread evenly over the silos, whatever their load at the moment of activation: a silo's death then takes only its
// share of the accounts, and accounts do not all gather on the one silo that happened to look least busy.
[RandomPlacement]
public sealed partial class AccountGrain(
    IAccountStore store, TimeProvider clock, IOptions<AccountOptions> options, IOptions<Risk.RiskOptions> riskOptions,
    SnapshotWriteGate snapshotGate, ILogger<AccountGrain> logger)
    : Grain, IAccountGrain
{
    private readonly AccountOptions _options = options.Value;
    private readonly Dictionary<string, Task> _ordersInFlight = new(StringComparer.Ordinal);
    private AccountLedger _ledger = null!;
    private ActivationHealth _health = null!;
    private AccountObservers _observers = null!;
    private AccountSnapshots _snapshots = null!;
    private AccountMarkets _markets = null!;
    private AccountTransfers _transfers = null!;
    private RiskReporter _risk = null!;
    private long _reconciledAt, _sweptAt;
    private AccountLiquidation _liquidation = null!;

    private long AccountId => this.GetPrimaryKeyLong();

    public async Task<AccountOrderResult> PlaceOrder(string symbol, PlaceOrder order)
    {
        if (_health.Stopped) return Unavailable();
        var exposure = await _markets.Enter(symbol);
        if (exposure is null) return AccountOrderResult.Refused(AccountReject.UnknownMarket);
        order = order with { AccountId = AccountId, ClientOrderId = order.ClientOrderId ?? $"~{Guid.NewGuid():N}" };
        // A retry of an order still in flight waits for the original; the market then answers it as a duplicate.
        while (_ordersInFlight.TryGetValue(order.ClientOrderId!, out var original)) await original.ContinueWith(_ => { }, TaskScheduler.Current);
        var done = new TaskCompletionSource();
        _ordersInFlight[order.ClientOrderId!] = done.Task;
        try
        {
            var result = await PlaceChecked(symbol, exposure, order);
            _observers.NotifyIfRejected(_ledger.Find(symbol), order, result);
            return result;
        }
        finally
        {
            _ordersInFlight.Remove(order.ClientOrderId!);
            done.SetResult();
        }
    }

    private async Task<AccountOrderResult> PlaceChecked(string symbol, MarketExposure exposure, PlaceOrder order)
    {
        // Terms the market will refuse anyway are sent on unreserved, so the caller gets the market's own reason.
        if (!exposure.Spec.IsValidSize(order.Size) || (order.Type == OrderType.Limit && !exposure.Spec.IsValidPrice(order.Price)))
            return await Forward(symbol, new PlaceCommand(order));
        // Only the liquidation itself sends liquidation orders; while it runs, nothing else adds risk.
        if ((order.Flags & OrderFlags.Liquidation) != 0) return AccountOrderResult.Refused(AccountReject.InvalidAccount);
        if (_liquidation.InProgress && (order.Flags & OrderFlags.ReduceOnly) == 0) return AccountOrderResult.Refused(AccountReject.Liquidating);
        var marks = await _markets.Marks(MarkAge.RecentEnough, symbol);
        if ((order.Flags & OrderFlags.ReduceOnly) == 0 && !_markets.MayAddRisk(marks))
            return AccountOrderResult.Refused(AccountReject.MarkUntrusted);
        // A market order goes out capped at the price its margin is reserved at: the book never fills it beyond that.
        if (order.Type == OrderType.Market)
            order = order with { Price = AccountLedger.ReservationPrice(exposure.Spec, order, marks.GetValueOrDefault(symbol)) };
        var reject = _ledger.TryReserve(exposure.Spec, order, s => marks.GetValueOrDefault(s), out var reservation);
        if (reject != AccountReject.None) return AccountOrderResult.Refused(reject);
        // Given back once the outcome is applied: an accepted order then counts as open, a refused one no more. If the
        // outcome is unknown, its events still arrive from the market.
        using (reservation)
            return new AccountOrderResult(AccountReject.None, await _markets.ExecuteAndSettle(symbol, new PlaceCommand(order)));
    }

    public async Task<AccountOrderResult> CancelOrder(string symbol, CancelOrder cancel) =>
        await Forward(symbol, new CancelCommand(cancel with { AccountId = AccountId }));

    public async Task<AccountOrderResult> CancelAll(string symbol) => await Forward(symbol, new CancelAllCommand(AccountId));

    public async Task<AccountOrderResult> AmendOrder(string symbol, AmendOrder amend)
    {
        if (_health.Stopped) return Unavailable();
        var exposure = _ledger.Find(symbol);
        if (exposure is null) return AccountOrderResult.Refused(AccountReject.UnknownMarket);
        amend = amend with { AccountId = AccountId };
        if (amend.OrderId == 0 && amend.ClientOrderId is not null)
            amend = amend with { OrderId = (await _markets.Market(symbol).GetOrderByClientId(AccountId, amend.ClientOrderId)).OrderId };
        if (!exposure.OpenOrders.TryGetValue(amend.OrderId, out var current))
        {
            // Never forwarded unchecked: the ledger may only be behind the market, so it catches up once and asks again.
            await _markets.CatchUp(symbol);
            if (!exposure.OpenOrders.TryGetValue(amend.OrderId, out current)) return AccountOrderResult.Refused(AccountReject.OrderNotFound);
        }
        // A compare-and-set on the open size the caller read (else the ledger's): a fill in between makes the market
        // refuse the amend instead of letting it regrow what was filled.
        if (amend.ExpectedRemaining == 0) amend = amend with { ExpectedRemaining = current.Remaining };
        if (amend.NewSize <= current.Remaining && amend.NewPrice == current.Price) return await Forward(symbol, new AmendCommand(amend));
        var marks = await _markets.Marks(MarkAge.RecentEnough, symbol);
        if (amend.NewSize > current.Remaining && !current.ReduceOnly && !_markets.MayAddRisk(marks))
            return AccountOrderResult.Refused(AccountReject.MarkUntrusted);
        var reject = _ledger.TryReserveAmend(exposure, current, amend.NewPrice, amend.NewSize, s => marks.GetValueOrDefault(s), out var reservation);
        if (reject != AccountReject.None) return AccountOrderResult.Refused(reject);
        using (reservation) return await Forward(symbol, new AmendCommand(amend));
    }

    public async Task<AccountView> GetView()
    {
        _health.ThrowIfStopped();
        var marks = await _markets.Marks(MarkAge.Current);
        long MarkOf(string s) => marks.GetValueOrDefault(s);
        var equity = _ledger.Equity(MarkOf);
        var initial = _ledger.InitialMargin(MarkOf);
        var maintenance = _ledger.MaintenanceMargin(MarkOf);
        var risks = _ledger.Markets.Select(m => new Risk.PositionRisk(m.Position.Size, m.Position.Cost, MarkOf(m.Spec.Symbol),
            m.Spec.NotionalPerTickLot, m.Risk)).ToArray();
        var shown = _ledger.Markets.Select((m, i) => (Market: m, Index: i)).Where(x => x.Market.Position.Size != 0 || x.Market.OpenOrders.Count > 0);
        return new AccountView(AccountId, _ledger.Collateral, equity, initial, maintenance,
            equity - initial, _ledger.FeesPaid, _ledger.RealisedPnl,
            [.. shown.Select(x => new PositionView(
                x.Market.Spec.Symbol, x.Market.Position.Size, x.Market.Position.Cost, MarkOf(x.Market.Spec.Symbol),
                x.Market.Position.UnrealisedPnl(x.Market.Spec, MarkOf(x.Market.Spec.Symbol)), x.Market.OpenOrders.Count, x.Market.Cursor,
                marks.Count == 0 ? 0 : Risk.LiquidationPolicy.LiquidationPrice(x.Market.Spec, _ledger.Collateral, risks, x.Index)))],
            Risk.LiquidationPolicy.MarginRatioPpm(equity, maintenance), _liquidation.InProgress, _ledger.FundingPaid,
            RealisedBySymbol());
    }

    /// <summary>Null when nothing was realised anywhere, so two views of an account that never closed a position compare equal.</summary>
    private Dictionary<string, long>? RealisedBySymbol()
    {
        var realised = _ledger.Markets.Where(m => m.RealisedPnl != 0).ToDictionary(m => m.Spec.Symbol, m => m.RealisedPnl);
        return realised.Count > 0 ? realised : null;
    }

    public async Task<AccountView> GetViewAfter(string symbol, long sequence)
    {
        _health.ThrowIfStopped();
        if ((_ledger.Find(symbol)?.Cursor ?? -1) < sequence && await _markets.Enter(symbol) is not null) await _markets.CatchUp(symbol);
        return await GetView();
    }

    public async Task<AccountAudit> Audit(Dictionary<string, long> marks)
    {
        _health.ThrowIfStopped();
        await _markets.CatchUpWithAll();
        long MarkOf(string s) => marks.GetValueOrDefault(s);
        return new AccountAudit(AccountId, _ledger.Collateral,
            _ledger.Markets.Sum(m => m.Position.UnrealisedPnl(m.Spec, MarkOf(m.Spec.Symbol))),
            _ledger.Deposited, _ledger.Withdrawn, _ledger.FeesPaid,
            _ledger.Markets.ToDictionary(m => m.Spec.Symbol, m => m.Position.Size), _ledger.FundingPaid);
    }

    private async Task<AccountOrderResult> Forward(string symbol, MarketCommand command)
    {
        if (_health.Stopped) return Unavailable();
        if (await _markets.Enter(symbol) is null) return AccountOrderResult.Refused(AccountReject.UnknownMarket);
        return new AccountOrderResult(AccountReject.None, await _markets.ExecuteAndSettle(symbol, command));
    }

    private AccountOrderResult Unavailable() =>
        new(AccountReject.None, CommandOutcome.Fail(_health.Reason ?? "account unavailable"));
}
