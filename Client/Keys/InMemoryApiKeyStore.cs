using System.Collections.Concurrent;

namespace Exchange.Client.Keys;

/// <summary>
/// API keys in memory, for a gateway run without PostgreSQL: lost on restart (start-up warns), and allowed only beside
/// a cluster that holds no accounts yet (<see cref="InMemoryKeysGuard"/>), since its account ids start again at 1.
/// </summary>
public sealed class InMemoryApiKeyStore(TimeProvider clock) : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, Entry> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string?> _accounts = new();
    private long _lastAccountId;

    private sealed record Entry(long AccountId, byte[] EncryptedSecret, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? FeedId = null);

    public bool IsDurable => false;

    public Task<long> CreateAccount(string? label, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _lastAccountId);
        _accounts[id] = label;
        return Task.FromResult(id);
    }

    public Task<bool> AccountExists(long accountId, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.ContainsKey(accountId));

    public Task<HashSet<long>> ExistingAccounts(long[] accountIds, CancellationToken cancellationToken) =>
        Task.FromResult(accountIds.Where(_accounts.ContainsKey).ToHashSet());

    public Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        if (!_keys.TryAdd(apiKey, new Entry(accountId, encryptedSecret, clock.GetUtcNow(), null)))
            throw new InvalidOperationException("duplicate API key");
        return Task.CompletedTask;
    }

    public Task AddFeedKey(string apiKey, string feedId, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        if (!_keys.TryAdd(apiKey, new Entry(0, encryptedSecret, clock.GetUtcNow(), null, feedId)))
            throw new InvalidOperationException("duplicate API key");
        return Task.CompletedTask;
    }

    public Task<string[]> RevokeFeedKeys(string feedId, CancellationToken cancellationToken)
    {
        var revoked = new List<string>();
        foreach (var (key, entry) in _keys)
            if (entry.FeedId == feedId && entry.RevokedAt is null && _keys.TryUpdate(key, entry with { RevokedAt = clock.GetUtcNow() }, entry))
                revoked.Add(key);
        return Task.FromResult(revoked.Order(StringComparer.Ordinal).ToArray());
    }

    public Task<bool> FeedHasKey(string feedId, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.Values.Any(e => e.FeedId == feedId && e.RevokedAt is null));

    public Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.TryGetValue(apiKey, out var entry) && entry.RevokedAt is null
            ? new StoredApiKey(entry.AccountId, entry.EncryptedSecret, entry.FeedId) : null);

    public Task<KeyOwner?> RevokeKey(string apiKey, CancellationToken cancellationToken)
    {
        if (!_keys.TryGetValue(apiKey, out var entry)) return Task.FromResult<KeyOwner?>(null);
        if (entry.RevokedAt is null) _keys.TryUpdate(apiKey, entry with { RevokedAt = clock.GetUtcNow() }, entry);
        return Task.FromResult<KeyOwner?>(new KeyOwner(entry.AccountId, entry.FeedId));
    }

    public Task<string[]> RevokeOtherKeys(long accountId, string keep, CancellationToken cancellationToken)
    {
        var revoked = new List<string>();
        foreach (var (key, entry) in _keys)
            if (entry.FeedId is null && entry.AccountId == accountId && entry.RevokedAt is null && key != keep
                && _keys.TryUpdate(key, entry with { RevokedAt = clock.GetUtcNow() }, entry))
                revoked.Add(key);
        return Task.FromResult(revoked.ToArray());
    }

    public Task<ApiKeyInfo[]> Keys(long accountId, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.Where(k => k.Value.FeedId is null && k.Value.AccountId == accountId).OrderBy(k => k.Value.CreatedAt)
            .Select(k => new ApiKeyInfo(k.Key, k.Value.CreatedAt, k.Value.RevokedAt)).ToArray());

    public Task Ping(CancellationToken cancellationToken) => Task.CompletedTask;
}
