using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Accounts;

/// <summary>
/// How an account comes back and what it keeps: loading (snapshot, then later transfers, then every market's events
/// after the snapshot's cursors), the timers (snapshots, reconciling with the markets), pushes from markets,
/// transfers, observers, and the one path by which a snapshot is stored.
/// </summary>
public sealed partial class AccountGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = new AccountLedger(AccountId);
        _health = new ActivationHealth(DeactivateOnIdle);
        _observers = new AccountObservers(AccountId, logger);
        var shard = GrainFactory.GetGrain<Risk.IRiskShardGrain>(Risk.RiskOptions.ShardOf(AccountId, riskOptions.Value.Shards));
        _risk = new RiskReporter(AccountId, _ledger, shard, clock);
        _snapshots = new AccountSnapshots(AccountId, store, _options, clock, logger, _risk.Changed);
        _markets = new AccountMarkets(AccountId, _ledger, GrainFactory, store, _options,
            new MarkPrices(clock, _options.MarkMaxAge), _snapshots, _observers, logger);
        _liquidation = new AccountLiquidation(AccountId, _ledger, _markets, GrainFactory, riskOptions.Value, clock, logger);
        _transfers = new AccountTransfers(AccountId, _ledger, store, _options, _snapshots, _health, logger);
        _markets.Triggered = (symbol, order) => _ = PlaceTriggered(symbol, order);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StoreTimeout);
        var stored = await store.LoadSnapshot(AccountId, deadline.Token);
        var markets = await store.Markets(AccountId, deadline.Token);
        var specs = new Dictionary<string, MarketSpec>(StringComparer.Ordinal);
        foreach (var symbol in markets)
            specs[symbol] = await _markets.Market(symbol).GetSpec() ?? throw new InvalidOperationException($"market {symbol} is unknown");
        if (stored is not null)
        {
            stored.Snapshot.RestoreInto(_ledger, symbol => specs[symbol]);
            _transfers.Restore(stored.TransferSequence);
        }
        foreach (var transfer in await store.TransfersAfter(AccountId, _transfers.Sequence, deadline.Token)) _transfers.Apply(transfer);
        foreach (var spec in specs.Values) await _markets.Rejoin(spec);
        _snapshots.Loaded(stored?.Version ?? 0);
        _risk.Changed();
        (_reconciledAt, _sweptAt) = (clock.GetTimestamp(), clock.GetTimestamp());
        this.RegisterGrainTimer(Housekeeping, _options.SnapshotCheckInterval, _options.SnapshotCheckInterval);
    }

    /// <summary>
    /// The account's one timer: a snapshot when due; every <see cref="AccountOptions.ReconcileInterval"/> its risk row
    /// refreshed and the markets where it has something working asked what it missed; every
    /// <see cref="AccountOptions.QuietReconcileInterval"/> all its markets.
    /// </summary>
    private async Task Housekeeping(CancellationToken cancellationToken)
    {
        await SnapshotIfDue(cancellationToken);
        var now = clock.GetTimestamp();
        if (clock.GetElapsedTime(_reconciledAt, now) < _options.ReconcileInterval) return;
        _reconciledAt = now;
        _risk.Refresh();
        var all = clock.GetElapsedTime(_sweptAt, now) >= _options.QuietReconcileInterval;
        if (all) _sweptAt = now;
        await _markets.Reconcile(all);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => SaveSnapshot(cancellationToken);

    public Task OnMarketEvents(AccountEvents events) =>
        _health.Stopped ? Task.CompletedTask : _markets.OnMarketEvents(events); // catching up on activation covers it

    public Task<TransferResult> Deposit(long amount, string transferId) => _transfers.Deposit(amount, transferId);

    public Task<TransferResult> Withdraw(long amount, string transferId) => _liquidation.InProgress
        ? Task.FromResult(new TransferResult(AccountReject.Liquidating, false, _ledger.Collateral))
        : _transfers.Withdraw(amount, transferId, _markets.CurrentMarksIfRiskAllowed);

    public Task CheckLiquidation()
    {
        if (!_health.Stopped) _liquidation.Check();
        return Task.CompletedTask;
    }

    public Task ReportRisk()
    {
        if (!_health.Stopped) _risk.Resend();
        return Task.CompletedTask;
    }

    public Task Subscribe(IAccountObserver observer)
    {
        _observers.Subscribe(observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IAccountObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>The periodic snapshot, when due and the silo's gate has room (else at the next look: it is only a checkpoint).</summary>
    private Task SnapshotIfDue(CancellationToken cancellationToken) =>
        _snapshots.IsDue ? snapshotGate.TryWrite(() => SaveSnapshot(cancellationToken)) : Task.CompletedTask;

    /// <summary>Every path to the store (the timer, deactivation) comes through here, so these checks hold for all.</summary>
    private async Task SaveSnapshot(CancellationToken cancellationToken)
    {
        // Stopped: a transfer's outcome may be unknown, and the transfer sequence already counts it while the ledger
        // does not, so a snapshot would claim a transfer it lacks (a deposit that did commit would be lost on reload).
        // A withdrawal in flight is applied in memory but not yet durable: never store it either.
        if (_health.Stopped || _transfers.InFlight > 0) return;
        if (await _snapshots.Write(_transfers.Sequence, () => AccountSnapshot.Of(_ledger), cancellationToken) != SnapshotWrite.Replaced) return;
        // Someone wrote since this activation loaded: another activation, or a write of this one whose answer was lost.
        // Either way this view may be behind the stored one, so it stops serving and the next activation reloads.
        logger.SnapshotReplaced(AccountId, _snapshots.Version);
        _health.Stop("the account is reloading after another activation stored its snapshot; retry");
    }
}
