using System.Collections.Concurrent;

namespace Exchange.Client.Keys;

/// <summary>API keys in memory, for a gateway run without PostgreSQL: lost on restart (start-up warns).</summary>
public sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, StoredApiKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string?> _accounts = new();
    private long _lastAccountId;

    public bool IsDurable => false;

    public Task<long> CreateAccount(string? label, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _lastAccountId);
        _accounts[id] = label;
        return Task.FromResult(id);
    }

    public Task<bool> AccountExists(long accountId, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.ContainsKey(accountId));

    public Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        if (!_keys.TryAdd(apiKey, new StoredApiKey(accountId, encryptedSecret)))
            throw new InvalidOperationException("duplicate API key");
        return Task.CompletedTask;
    }

    public Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.GetValueOrDefault(apiKey));

    public Task Ping(CancellationToken cancellationToken) => Task.CompletedTask;
}
