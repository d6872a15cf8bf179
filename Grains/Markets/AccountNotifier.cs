using Exchange.Accounts;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// Sends each account its events of a committed batch, naming the event they follow: one way, never awaited (a
/// market never waits for an account; an account that misses a message finds the gap and asks).
/// </summary>
internal sealed class AccountNotifier(string symbol, IGrainFactory grains, bool enabled)
{
    private readonly Dictionary<long, IAccountGrain> _accounts = [];

    public void Notify(PendingBatch batch, MarkReport mark)
    {
        if (!enabled) return;
        foreach (var (accountId, part) in batch.AccountEvents())
            Account(accountId).OnMarketEvents(new AccountEvents(symbol, part.Previous, part.Events, mark)).Ignore();
    }

    /// <summary>Account references are kept: resolving one is dear next to sending it a message.</summary>
    private IAccountGrain Account(long accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var account))
            _accounts[accountId] = account = grains.GetGrain<IAccountGrain>(accountId);
        return account;
    }
}
