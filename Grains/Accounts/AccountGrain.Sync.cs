using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;

namespace Exchange.Accounts;

/// <summary>
/// How an account stays true: loading (snapshot, then later transfers, then every market's events after the
/// snapshot's cursors), applying each market's events in order and exactly once, catching up from the market on
/// any gap, transfers that are durable before they are acknowledged, and periodic snapshots.
/// </summary>
public sealed partial class AccountGrain
{
    private bool _dirty;
    private long _eventsSinceSnapshot;
    private long _lastSnapshot;
    /// <summary>The version of the stored snapshot this activation loaded or last wrote (0: none).</summary>
    private long _snapshotVersion;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = new AccountLedger(AccountId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StoreTimeout);
        var stored = await store.LoadSnapshot(AccountId, deadline.Token);
        var markets = await store.Markets(AccountId, deadline.Token);
        var specs = new Dictionary<string, MarketSpec>(StringComparer.Ordinal);
        foreach (var symbol in markets)
            specs[symbol] = await Market(symbol).GetSpec() ?? throw new InvalidOperationException($"market {symbol} is unknown");
        if (stored is { } s)
        {
            s.Snapshot.RestoreInto(_ledger, symbol => specs[symbol]);
            (_transferSequence, _snapshotVersion) = (s.TransferSequence, s.Version);
        }
        foreach (var transfer in await store.TransfersAfter(AccountId, _transferSequence, deadline.Token)) ApplyTransfer(transfer);
        foreach (var (symbol, spec) in specs)
        {
            _ledger.Track(spec);
            _knownMarkets.Add(symbol);
            await CatchUp(symbol);
        }
        _lastSnapshot = clock.GetTimestamp();
        this.RegisterGrainTimer(SnapshotIfDue, _options.SnapshotCheckInterval, _options.SnapshotCheckInterval);
        this.RegisterGrainTimer(Reconcile, _options.ReconcileInterval, _options.ReconcileInterval);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_unavailable is null) await SaveSnapshot(cancellationToken);
    }

    public async Task OnMarketEvents(AccountEvents events)
    {
        if (_unavailable is not null || !_knownMarkets.Contains(events.Symbol)) return; // catching up on activation covers it
        _marks.Update(events.Symbol, events.Mark);
        if (events.Previous < 0 || !Apply(events.Symbol, events.Previous, events.Events)) await CatchUp(events.Symbol);
        _dirty = true;
    }

    public async Task<TransferResult> Deposit(long amount, string transferId)
    {
        if (amount <= 0 || string.IsNullOrWhiteSpace(transferId)) return Refused(AccountReject.InvalidAmount);
        return await OnePerTransferId(transferId, () => DepositOnce(amount, transferId));
    }

    private async Task<TransferResult> DepositOnce(long amount, string transferId)
    {
        if (await Existing(transferId, TransferKind.Deposit, amount) is { } existing) return existing;
        // Credited only once durable: nothing may trade on money that a failed write would take back.
        var transfer = new TransferRecord(++_transferSequence, transferId, TransferKind.Deposit, amount);
        if (await Record(transfer) is { } failed) return failed;
        ApplyTransfer(transfer);
        return new TransferResult(AccountReject.None, Duplicate: false, _ledger.Collateral);
    }

    private readonly Dictionary<string, Task> _transfersById = new(StringComparer.Ordinal);

    public async Task<TransferResult> Withdraw(long amount, string transferId)
    {
        if (amount <= 0 || string.IsNullOrWhiteSpace(transferId)) return Refused(AccountReject.InvalidAmount);
        return await OnePerTransferId(transferId, () => WithdrawOnce(amount, transferId));
    }

    /// <summary>A retry of a transfer still in flight waits for the original, then finds it recorded.</summary>
    private async Task<TransferResult> OnePerTransferId(string transferId, Func<Task<TransferResult>> transfer)
    {
        if (_unavailable is not null) throw new AccountUnavailableException(_unavailable);
        while (_transfersById.TryGetValue(transferId, out var original)) await original.ContinueWith(_ => { }, TaskScheduler.Current);
        var done = new TaskCompletionSource();
        _transfersById[transferId] = done.Task;
        try
        {
            return await transfer();
        }
        finally
        {
            _transfersById.Remove(transferId);
            done.SetResult();
        }
    }

    private async Task<TransferResult> WithdrawOnce(long amount, string transferId)
    {
        if (await Existing(transferId, TransferKind.Withdrawal, amount) is { } existing) return existing;
        var marks = await Marks(MarkAge.Current);
        ThrowIfAnyMarketSuspect();
        if (AnyMarkUntrusted(marks)) return Refused(AccountReject.MarkUntrusted);
        var reject = _ledger.TryHoldWithdrawal(amount, s => marks.GetValueOrDefault(s), out var hold);
        if (reject != AccountReject.None) return Refused(reject);
        var transfer = new TransferRecord(++_transferSequence, transferId, TransferKind.Withdrawal, amount);
        if (await Record(transfer) is { } failed)
        {
            hold!.Undo();
            return failed;
        }
        hold!.Keep();
        return new TransferResult(AccountReject.None, Duplicate: false, _ledger.Collateral);
    }

    /// <summary>Joins a market (durably, before the first order there) and returns the account's exposure to it.</summary>
    private async Task<MarketExposure?> Enter(string symbol)
    {
        if (_knownMarkets.Contains(symbol)) return _ledger.Find(symbol);
        var spec = await Market(symbol).GetSpec();
        if (spec is null) return null;
        using var deadline = new CancellationTokenSource(_options.StoreTimeout);
        await store.AddMarket(AccountId, symbol, deadline.Token);
        var exposure = _ledger.Track(spec);
        _knownMarkets.Add(symbol);
        return exposure;
    }

    /// <summary>Applies the account's events from a command's outcome, catching up first if they do not follow on.</summary>
    private async Task Settle(string symbol, CommandOutcome outcome)
    {
        if (outcome.Status != CommandStatus.Committed) return;
        _marks.Update(symbol, outcome.Mark);
        var mine = Array.FindAll(outcome.Events, e => e.Kind != EventKind.OrderRejected
            && (e.AccountId == AccountId || (e.Kind == EventKind.TradeExecuted && e.MakerAccountId == AccountId)));
        if (mine.Length == 0) return;
        if (outcome.AccountPrevious < 0 || !Apply(symbol, outcome.AccountPrevious, mine)) await CatchUp(symbol);
        _dirty = true;
    }

    /// <summary>Fetches and applies everything the market holds for this account after the cursor.</summary>
    private async Task CatchUp(string symbol)
    {
        var cursor = _ledger.Find(symbol)!.Cursor;
        var missed = await Market(symbol).GetAccountEvents(AccountId, cursor);
        _marks.Update(symbol, missed.Mark);
        if (!Apply(symbol, missed.Previous, missed.Events))
            throw new InvalidOperationException($"account {AccountId}: {symbol} answered from {missed.Previous}, cursor is {cursor}");
        _ledger.AdvanceCursor(symbol, missed.CompleteThrough);
        _dirty = true;
    }

    private async Task Reconcile(CancellationToken cancellationToken)
    {
        // Every joined market, not only those with open orders: a fill whose answer was lost leaves none open.
        foreach (var m in _ledger.Markets.ToArray())
        {
            try { await CatchUp(m.Spec.Symbol); }
            catch (Exception ex) { LogCatchUpFailed(ex, AccountId, m.Spec.Symbol); }
        }
    }

    /// <summary>
    /// A busy account snapshots every <see cref="AccountOptions.SnapshotEveryEvents"/> events, so that reloading it never
    /// replays many; a quiet one at most every <see cref="AccountOptions.SnapshotInterval"/>, so that a thousand
    /// accounts trading a little do not flood the database with writes.
    /// </summary>
    private Task SnapshotIfDue(CancellationToken cancellationToken) =>
        _eventsSinceSnapshot >= _options.SnapshotEveryEvents || clock.GetElapsedTime(_lastSnapshot) >= _options.SnapshotInterval
            ? SaveSnapshot(cancellationToken)
            : Task.CompletedTask;

    /// <summary>Every path to the store (the timer, deactivation) comes through here, so the checks hold for all.</summary>
    private async Task SaveSnapshot(CancellationToken cancellationToken)
    {
        // Unavailable: a transfer's outcome is unknown, and the transfer sequence already counts it while the ledger
        // does not, so a snapshot would claim a transfer it lacks (a deposit that did commit would be lost on reload).
        // A withdrawal in flight is applied in memory but not yet durable: never store it either.
        if (_unavailable is not null || !_dirty || _transfersInFlight > 0) return;
        _dirty = false;
        (_eventsSinceSnapshot, _lastSnapshot) = (0, clock.GetTimestamp());
        bool written;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.StoreTimeout);
            written = await store.SaveSnapshot(AccountId, _snapshotVersion, _transferSequence, AccountSnapshot.Of(_ledger), deadline.Token);
        }
        catch (Exception ex)
        {
            _dirty = true; // the journals still hold everything; the next snapshot tries again
            LogSnapshotFailed(ex, AccountId);
            return;
        }
        if (written)
        {
            _snapshotVersion++;
            return;
        }
        // Someone wrote since this activation loaded: another activation, or a write of this one whose answer was lost.
        // Either way this view may be behind the stored one, so it stops serving and the next activation reloads.
        LogSnapshotConflict(AccountId, _snapshotVersion);
        _unavailable = "the account is reloading after another activation stored its snapshot; retry";
        DeactivateOnIdle();
    }

    /// <summary>
    /// The marks of the given markets and of every market with a position or orders. Orders are checked against
    /// marks recent enough (the market's latest report, see <see cref="AccountOptions.MarkMaxAge"/>); withdrawals
    /// and views ask the markets for their current marks.
    /// </summary>
    private async Task<Dictionary<string, long>> Marks(MarkAge age, params string[] extra)
    {
        foreach (var suspect in _suspectMarkets.Count == 0 ? [] : _suspectMarkets.ToArray())
        {
            try
            {
                await CatchUp(suspect);
                _suspectMarkets.Remove(suspect);
            }
            catch (Exception ex) { LogCatchUpFailed(ex, AccountId, suspect); }
        }
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        List<(string Symbol, Task<MarkReport> Mark)>? asked = null;
        void Need(string symbol)
        {
            if (marks.ContainsKey(symbol) || asked?.Exists(a => a.Symbol == symbol) == true) return;
            if (age == MarkAge.RecentEnough && _marks.TryGetFresh(symbol, out var mark)) marks[symbol] = mark;
            else (asked ??= []).Add((symbol, Market(symbol).GetMark()));
        }
        foreach (var m in _ledger.Markets)
            if (m.Position.Size != 0 || m.OpenOrders.Count > 0 || m.PendingCount > 0) Need(m.Spec.Symbol);
        foreach (var symbol in extra) Need(symbol);
        foreach (var (symbol, task) in asked ?? [])
        {
            var report = await task;
            _marks.Update(symbol, report);
            marks[symbol] = report.Price;
        }
        // A market whose terms changed after this account's cursor (a risk or mode change it was not sent) is caught
        // up first, so the decision uses the fees and margin tiers in force, in the market's sequence.
        foreach (var symbol in marks.Keys)
            if (_ledger.Find(symbol) is { } m && _marks.MarketWideSequence(symbol) > m.Cursor) await CatchUp(symbol);
        return marks;
    }

    /// <summary>Whether any of these markets follows an index that is stale now: its mark decides nothing that adds risk.</summary>
    private bool AnyMarkUntrusted(Dictionary<string, long> marks)
    {
        foreach (var symbol in marks.Keys)
            if (_marks.IsUntrusted(symbol)) return true;
        return false;
    }

    private async Task<TransferResult?> Existing(string transferId, TransferKind kind, long amount)
    {
        using var deadline = new CancellationTokenSource(_options.StoreTimeout);
        var existing = await store.FindTransfer(AccountId, transferId, deadline.Token);
        if (existing is null) return null;
        return existing.Kind == kind && existing.Amount == amount
            ? new TransferResult(AccountReject.None, Duplicate: true, _ledger.Collateral)
            : Refused(AccountReject.TransferIdConflict);
    }

    /// <summary>Writes a transfer; null when durable, else the failure to return.</summary>
    private async Task<TransferResult?> Record(TransferRecord transfer)
    {
        _transfersInFlight++;
        try
        {
            using var deadline = new CancellationTokenSource(_options.StoreTimeout);
            await store.AppendTransfer(AccountId, transfer, deadline.Token);
            _dirty = true;
            return null;
        }
        catch (TransferConflictException ex) when (ex.TransferIdTaken)
        {
            return Refused(AccountReject.TransferIdConflict); // a concurrent request with the same id won
        }
        catch (Exception ex)
        {
            // Another activation took the sequence, or the store is unreachable and the outcome unknown: this
            // activation's view can no longer be trusted, so stop serving; the next one reloads the truth.
            LogTransferFailed(ex, AccountId);
            _unavailable = "the account is reloading after a failed transfer write; retry with the same transfer id";
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _transfersInFlight--;
        }
    }

    private void ApplyTransfer(TransferRecord transfer)
    {
        if (transfer.Kind == TransferKind.Deposit) _ledger.Deposit(transfer.Amount);
        else _ledger.Withdraw(transfer.Amount);
        _transferSequence = Math.Max(_transferSequence, transfer.Sequence);
    }

    private TransferResult Refused(AccountReject reject) => new(reject, Duplicate: false, _ledger.Collateral);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not catch up with {Market}")]
    private partial void LogCatchUpFailed(Exception ex, long accountId, string market);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} snapshot failed")]
    private partial void LogSnapshotFailed(Exception ex, long accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId} snapshot was replaced since version {Version}; deactivating")]
    private partial void LogSnapshotConflict(long accountId, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId} transfer write failed; deactivating")]
    private partial void LogTransferFailed(Exception ex, long accountId);
}

internal enum MarkAge
{
    /// <summary>Ask the markets now.</summary>
    Current,
    /// <summary>The latest mark a market reported will do, if it is not older than the configured age.</summary>
    RecentEnough,
}
