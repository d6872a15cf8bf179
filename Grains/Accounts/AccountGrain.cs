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
/// reservation, so concurrent orders and withdrawals see each other.
/// </summary>
[Reentrant]
// Spread evenly over the silos, whatever their load at the moment of activation: a silo's death then takes only its
// share of the accounts, and accounts do not all gather on the one silo that happened to look least busy.
[RandomPlacement]
public sealed partial class AccountGrain(
    IAccountStore store, TimeProvider clock, IOptions<AccountOptions> options, ILogger<AccountGrain> logger)
    : Grain, IAccountGrain
{
    private readonly AccountOptions _options = options.Value;
    private readonly MarkPrices _marks = new(clock, options.Value.MarkMaxAge);
    private readonly Dictionary<string, IMarketGrain> _marketRefs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownMarkets = new(StringComparer.Ordinal);
    private AccountLedger _ledger = null!;
    private long _transferSequence;
    private int _transfersInFlight;
    private string? _unavailable;
    private readonly Dictionary<string, Task> _ordersInFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _suspectMarkets = new(StringComparer.Ordinal);

    private long AccountId => this.GetPrimaryKeyLong();

    public async Task<AccountOrderResult> PlaceOrder(string symbol, PlaceOrder order)
    {
        if (_unavailable is not null) return Unavailable();
        var exposure = await Enter(symbol);
        if (exposure is null) return AccountOrderResult.Refused(AccountReject.UnknownMarket);
        order = order with { AccountId = AccountId, ClientOrderId = order.ClientOrderId ?? $"~{Guid.NewGuid():N}" };
        // A retry of an order still in flight waits for the original; the market then answers it as a duplicate.
        while (_ordersInFlight.TryGetValue(order.ClientOrderId!, out var original)) await original.ContinueWith(_ => { }, TaskScheduler.Current);
        var done = new TaskCompletionSource();
        _ordersInFlight[order.ClientOrderId!] = done.Task;
        try
        {
            var result = await PlaceChecked(symbol, exposure, order);
            NotifyIfRejected(symbol, order, result);
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
        var marks = await Marks(MarkAge.RecentEnough, symbol);
        if ((order.Flags & OrderFlags.ReduceOnly) == 0)
        {
            ThrowIfAnyMarketSuspect();
            if (AnyMarkUntrusted(marks)) return AccountOrderResult.Refused(AccountReject.MarkUntrusted);
        }
        // A market order goes out capped at the price its margin is reserved at: the book never fills it beyond that.
        if (order.Type == OrderType.Market)
            order = order with { Price = AccountLedger.ReservationPrice(exposure.Spec, order, marks.GetValueOrDefault(symbol)) };
        var reject = _ledger.TryReserve(exposure.Spec, order, s => marks.GetValueOrDefault(s), out var reservation);
        if (reject != AccountReject.None) return AccountOrderResult.Refused(reject);
        // Given back once the outcome is applied: an accepted order then counts as open, a refused one no more. If the
        // outcome is unknown, its events still arrive from the market.
        using (reservation)
            return new AccountOrderResult(AccountReject.None, await ExecuteAndSettle(symbol, new PlaceCommand(order)));
    }

    public async Task<AccountOrderResult> CancelOrder(string symbol, CancelOrder cancel) =>
        await Forward(symbol, new CancelCommand(cancel with { AccountId = AccountId }));

    public async Task<AccountOrderResult> CancelAll(string symbol) => await Forward(symbol, new CancelAllCommand(AccountId));

    public async Task<AccountOrderResult> AmendOrder(string symbol, AmendOrder amend)
    {
        if (_unavailable is not null) return Unavailable();
        var exposure = _ledger.Find(symbol);
        if (exposure is null) return AccountOrderResult.Refused(AccountReject.UnknownMarket);
        amend = amend with { AccountId = AccountId };
        if (amend.OrderId == 0 && amend.ClientOrderId is not null)
            amend = amend with { OrderId = (await Market(symbol).GetOrderByClientId(AccountId, amend.ClientOrderId)).OrderId };
        if (!exposure.OpenOrders.TryGetValue(amend.OrderId, out var current))
        {
            // Never forwarded unchecked: the ledger may only be behind the market, so it catches up once and asks again.
            await CatchUp(symbol);
            if (!exposure.OpenOrders.TryGetValue(amend.OrderId, out current)) return AccountOrderResult.Refused(AccountReject.OrderNotFound);
        }
        // A compare-and-set on the open size the caller read (else the ledger's): a fill in between makes the market
        // refuse the amend instead of letting it regrow what was filled.
        if (amend.ExpectedRemaining == 0) amend = amend with { ExpectedRemaining = current.Remaining };
        if (amend.NewSize <= current.Remaining && amend.NewPrice == current.Price) return await Forward(symbol, new AmendCommand(amend));
        var marks = await Marks(MarkAge.RecentEnough, symbol);
        if (amend.NewSize > current.Remaining && !current.ReduceOnly)
        {
            ThrowIfAnyMarketSuspect();
            if (AnyMarkUntrusted(marks)) return AccountOrderResult.Refused(AccountReject.MarkUntrusted);
        }
        var reject = _ledger.TryReserveAmend(exposure, current, amend.NewPrice, amend.NewSize, s => marks.GetValueOrDefault(s), out var reservation);
        if (reject != AccountReject.None) return AccountOrderResult.Refused(reject);
        using (reservation) return await Forward(symbol, new AmendCommand(amend));
    }

    public async Task<AccountView> GetView()
    {
        ThrowIfUnavailable();
        var marks = await Marks(MarkAge.Current);
        long MarkOf(string s) => marks.GetValueOrDefault(s);
        var equity = _ledger.Equity(MarkOf);
        var initial = _ledger.InitialMargin(MarkOf);
        return new AccountView(AccountId, _ledger.Collateral, equity, initial, _ledger.MaintenanceMargin(MarkOf),
            equity - initial, _ledger.FeesPaid, _ledger.RealisedPnl,
            [.. _ledger.Markets.Where(m => m.Position.Size != 0 || m.OpenOrders.Count > 0).Select(m => new PositionView(
                m.Spec.Symbol, m.Position.Size, m.Position.Cost, MarkOf(m.Spec.Symbol),
                m.Position.UnrealisedPnl(m.Spec, MarkOf(m.Spec.Symbol)), m.OpenOrders.Count, m.Cursor))]);
    }

    public async Task<AccountAudit> Audit(Dictionary<string, long> marks)
    {
        ThrowIfUnavailable();
        foreach (var symbol in _knownMarkets.ToArray()) await CatchUp(symbol);
        long MarkOf(string s) => marks.GetValueOrDefault(s);
        return new AccountAudit(AccountId, _ledger.Collateral,
            _ledger.Markets.Sum(m => m.Position.UnrealisedPnl(m.Spec, MarkOf(m.Spec.Symbol))),
            _ledger.Deposited, _ledger.Withdrawn, _ledger.FeesPaid,
            _ledger.Markets.ToDictionary(m => m.Spec.Symbol, m => m.Position.Size));
    }

    private async Task<AccountOrderResult> Forward(string symbol, MarketCommand command)
    {
        if (_unavailable is not null) return Unavailable();
        if (await Enter(symbol) is null) return AccountOrderResult.Refused(AccountReject.UnknownMarket);
        return new AccountOrderResult(AccountReject.None, await ExecuteAndSettle(symbol, command));
    }

    /// <summary>
    /// Sends a command and applies its outcome. If the outcome is not known to be committed, events of it may
    /// still exist: the market is marked suspect and caught up before the account's next check.
    /// </summary>
    private async Task<CommandOutcome> ExecuteAndSettle(string symbol, MarketCommand command)
    {
        CommandOutcome outcome;
        try
        {
            outcome = await Market(symbol).Execute(command);
        }
        catch
        {
            _suspectMarkets.Add(symbol);
            throw;
        }
        if (outcome.Status != CommandStatus.Committed) _suspectMarkets.Add(symbol);
        await Settle(symbol, outcome);
        return outcome;
    }

    /// <summary>Market references are kept: resolving one is dear next to sending it a message.</summary>
    private IMarketGrain Market(string symbol)
    {
        if (!_marketRefs.TryGetValue(symbol, out var market))
            _marketRefs[symbol] = market = GrainFactory.GetGrain<IMarketGrain>(symbol);
        return market;
    }

    private AccountOrderResult Unavailable() =>
        new(AccountReject.None, CommandOutcome.Fail(_unavailable ?? "account unavailable"));

    /// <summary>
    /// While a market's answer to an earlier command is unknown and the account could not catch up with it, an order
    /// may be live there that the ledger does not count: nothing that adds risk or takes money out is decided until
    /// the market answers again (reducing and cancelling still are).
    /// </summary>
    private void ThrowIfAnyMarketSuspect()
    {
        if (_suspectMarkets.Count > 0)
            throw new AccountUnavailableException(
                $"the outcome of an earlier command in {string.Join(", ", _suspectMarkets)} is not known yet; retry once that market answers");
    }

    private void ThrowIfUnavailable()
    {
        if (_unavailable is not null) throw new AccountUnavailableException(_unavailable);
    }
}
