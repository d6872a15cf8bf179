using Microsoft.Extensions.Logging;

namespace Exchange.Accounts;

/// <summary>
/// Money in and out of one account: once per transfer id (a retry finds the original, waiting for it if it is still in
/// flight), durable before it is acknowledged, at the account's next transfer sequence. A deposit is credited only
/// once its write is durable; a withdrawal is held against the ledger before its write and kept or undone after. A write
/// whose outcome is unknown stops the activation (<see cref="ActivationHealth"/>): its view can no longer be trusted.
/// </summary>
internal sealed class AccountTransfers(long accountId, AccountLedger ledger, IAccountStore store, AccountOptions options,
    AccountSnapshots snapshots, ActivationHealth health, ILogger logger)
{
    private readonly Dictionary<string, Task> _byId = new(StringComparer.Ordinal);

    /// <summary>The highest transfer sequence handed out (durable, or stopped the activation when its outcome was unknown).</summary>
    public long Sequence { get; private set; }

    /// <summary>Writes not yet answered: a withdrawal among them is applied in memory but not durable.</summary>
    public int InFlight { get; private set; }

    /// <summary>Restores the sequence a snapshot includes transfers up to.</summary>
    public void Restore(long sequence) => Sequence = sequence;

    /// <summary>Applies a stored transfer (loading).</summary>
    public void Apply(TransferRecord transfer)
    {
        if (transfer.Kind == TransferKind.Deposit) ledger.Deposit(transfer.Amount);
        else ledger.Withdraw(transfer.Amount);
        Sequence = Math.Max(Sequence, transfer.Sequence);
    }

    public async Task<TransferResult> Deposit(long amount, string transferId)
    {
        if (amount <= 0 || string.IsNullOrWhiteSpace(transferId)) return Refused(AccountReject.InvalidAmount);
        return await OnePerTransferId(transferId, async () =>
        {
            if (await Existing(transferId, TransferKind.Deposit, amount) is { } existing) return existing;
            // Credited only once durable: nothing may trade on money that a failed write would take back.
            var transfer = new TransferRecord(++Sequence, transferId, TransferKind.Deposit, amount);
            if (await Record(transfer) is { } failed) return failed;
            Apply(transfer);
            return new TransferResult(AccountReject.None, Duplicate: false, ledger.Collateral);
        });
    }

    /// <param name="marksIfRiskAllowed">The current marks, or null if one of them may not decide a withdrawal.</param>
    public async Task<TransferResult> Withdraw(long amount, string transferId, Func<Task<Dictionary<string, long>?>> marksIfRiskAllowed)
    {
        if (amount <= 0 || string.IsNullOrWhiteSpace(transferId)) return Refused(AccountReject.InvalidAmount);
        return await OnePerTransferId(transferId, async () =>
        {
            if (await Existing(transferId, TransferKind.Withdrawal, amount) is { } existing) return existing;
            if (await marksIfRiskAllowed() is not { } marks) return Refused(AccountReject.MarkUntrusted);
            var reject = ledger.TryHoldWithdrawal(amount, s => marks.GetValueOrDefault(s), out var hold);
            if (reject != AccountReject.None) return Refused(reject);
            var transfer = new TransferRecord(++Sequence, transferId, TransferKind.Withdrawal, amount);
            if (await Record(transfer) is { } failed)
            {
                hold!.Undo();
                return failed;
            }
            hold!.Keep();
            return new TransferResult(AccountReject.None, Duplicate: false, ledger.Collateral);
        });
    }

    /// <summary>A retry of a transfer still in flight waits for the original, then finds it recorded.</summary>
    private async Task<TransferResult> OnePerTransferId(string transferId, Func<Task<TransferResult>> transfer)
    {
        health.ThrowIfStopped();
        while (_byId.TryGetValue(transferId, out var original)) await original.ContinueWith(_ => { }, TaskScheduler.Current);
        var done = new TaskCompletionSource();
        _byId[transferId] = done.Task;
        try
        {
            return await transfer();
        }
        finally
        {
            _byId.Remove(transferId);
            done.SetResult();
        }
    }

    private async Task<TransferResult?> Existing(string transferId, TransferKind kind, long amount)
    {
        using var deadline = new CancellationTokenSource(options.StoreTimeout);
        var existing = await store.FindTransfer(accountId, transferId, deadline.Token);
        if (existing is null) return null;
        return existing.Kind == kind && existing.Amount == amount
            ? new TransferResult(AccountReject.None, Duplicate: true, ledger.Collateral)
            : Refused(AccountReject.TransferIdConflict);
    }

    /// <summary>Writes a transfer; null when durable, else the failure to return.</summary>
    private async Task<TransferResult?> Record(TransferRecord transfer)
    {
        InFlight++;
        try
        {
            using var deadline = new CancellationTokenSource(options.StoreTimeout);
            await store.AppendTransfer(accountId, transfer, deadline.Token);
            snapshots.Changed();
            return null;
        }
        catch (Exception ex)
        {
            // Another activation took the sequence or the transfer id (this one checked the id before writing, so only
            // another writer can have taken it, and its transfer is then missing here), or the store is unreachable and
            // the outcome unknown: this activation's view can no longer be trusted, so stop serving; the next one
            // reloads the truth and answers a retry with the same transfer id as a duplicate or a conflict.
            logger.TransferFailed(ex, accountId);
            health.Stop("the account is reloading after a failed transfer write; retry with the same transfer id");
            throw;
        }
        finally
        {
            InFlight--;
        }
    }

    private TransferResult Refused(AccountReject reject) => new(reject, Duplicate: false, ledger.Collateral);
}
