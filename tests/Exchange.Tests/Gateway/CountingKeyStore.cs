using Exchange.Client.Keys;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Exchange.Tests.Gateway;

/// <summary>The gateway's real PostgreSQL key store, counting the questions the gateway asks it.</summary>
internal sealed class CountingKeyStore(PostgresApiKeyStore store) : IApiKeyStore
{
    private int _lookups, _pings;

    private PostgresApiKeyStore Store => store;

    /// <summary>Registers a counting store over the gateway's own data source; <paramref name="created"/> receives it.</summary>
    public static Action<IServiceCollection> Register(Action<CountingKeyStore> created) => services =>
        services.AddSingleton<IApiKeyStore>(sp =>
        {
            var counting = new CountingKeyStore(new PostgresApiKeyStore(sp.GetRequiredKeyedService<NpgsqlDataSource>(nameof(PostgresApiKeyStore))));
            created(counting);
            return counting;
        });

    public int Lookups => Volatile.Read(ref _lookups);

    public int Pings => Volatile.Read(ref _pings);

    public bool IsDurable => true;

    public Task<long> CreateAccount(string? label, CancellationToken cancellationToken) => Store.CreateAccount(label, cancellationToken);

    public Task<bool> AccountExists(long accountId, CancellationToken cancellationToken) => Store.AccountExists(accountId, cancellationToken);

    public Task<HashSet<long>> ExistingAccounts(long[] accountIds, CancellationToken cancellationToken) =>
        Store.ExistingAccounts(accountIds, cancellationToken);

    public Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken) =>
        Store.AddKey(apiKey, accountId, encryptedSecret, cancellationToken);

    public Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        return Store.FindKey(apiKey, cancellationToken);
    }

    public Task AddFeedKey(string apiKey, string feedId, byte[] encryptedSecret, CancellationToken cancellationToken) =>
        Store.AddFeedKey(apiKey, feedId, encryptedSecret, cancellationToken);

    public Task<string[]> RevokeFeedKeys(string feedId, CancellationToken cancellationToken) => Store.RevokeFeedKeys(feedId, cancellationToken);

    public Task<bool> FeedHasKey(string feedId, CancellationToken cancellationToken) => Store.FeedHasKey(feedId, cancellationToken);

    public Task<KeyOwner?> RevokeKey(string apiKey, CancellationToken cancellationToken) => Store.RevokeKey(apiKey, cancellationToken);

    public Task<string[]> RevokeOtherKeys(long accountId, string keep, CancellationToken cancellationToken) =>
        Store.RevokeOtherKeys(accountId, keep, cancellationToken);

    public Task<ApiKeyInfo[]> Keys(long accountId, CancellationToken cancellationToken) => Store.Keys(accountId, cancellationToken);

    public Task Ping(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pings);
        return Store.Ping(cancellationToken);
    }
}
