using Exchange.Accounts;

namespace Exchange.Client.Keys;

/// <summary>
/// Keeps a gateway with in-memory keys from handing out account ids the cluster already uses. In-memory ids start at 1
/// with every process; beside a cluster that remembers accounts (durable silos, or silos that outlived an earlier
/// gateway) a new key for "account 1" would be a key to someone else's funded account. The gateway cannot see the
/// silos' journal, but it can see what the journal holds: at start it asks the cluster's audit how many accounts
/// exist, and refuses to start if any do. Account ids then come only from the durable side
/// (<c>gateway_accounts</c> in PostgreSQL) whenever the cluster has history. Runs only without ConnectionStrings:Exchange.
/// </summary>
public sealed class InMemoryKeysGuard(IClusterClient cluster, IApiKeyStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.IsDurable) return;
        var accounts = (await cluster.GetGrain<IAuditGrain>(0).Run().WaitAsync(cancellationToken)).Accounts;
        if (accounts > 0)
            throw new InvalidOperationException(
                $"the cluster already holds {accounts} accounts, and this gateway would keep API keys in memory and number " +
                "accounts from 1 again (a new key could open an existing account). Set ConnectionStrings:Exchange to the " +
                "cluster's database so that accounts and keys come from it.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
