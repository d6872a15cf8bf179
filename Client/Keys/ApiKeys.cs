using System.Collections.Concurrent;
using System.Security.Cryptography;
using Exchange.Client.Hosting;
using Exchange.Client.Security;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Keys;

/// <summary>
/// Issues accounts and API keys, revokes them, and resolves a key to its account and secret. A resolution is cached
/// for <see cref="GatewayOptions.KeyCacheTime"/> (so a key revoked on another gateway stops working here within that
/// time; on this gateway at once) and an unknown key for <see cref="GatewayOptions.UnknownKeyCacheTime"/> (so the
/// same guessed key does not cost a query per request). Concurrent requests with one key share one look-up. A key
/// reaches the store only after the request's timestamp passed the window check, and only if it has the shape of a key.
/// </summary>
public sealed class ApiKeys(IApiKeyStore store, SecretProtector protector, TimeProvider clock, IOptions<GatewayOptions> options)
{
    public const int KeyLength = 32;
    private const int MaxCachedKeys = 100_000;
    private readonly long _knownMs = (long)options.Value.KeyCacheTime.TotalMilliseconds;
    private readonly long _unknownMs = (long)options.Value.UnknownKeyCacheTime.TotalMilliseconds;
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    public sealed record Issued(long AccountId, string ApiKey, string ApiSecret);

    /// <param name="FeedId">Set for a price feed's key (which acts for no account: <see cref="AccountId"/> is 0).</param>
    public sealed record ResolvedKey(long AccountId, byte[] Secret, string? FeedId = null);

    /// <summary>A price feed's key; the secret is shown only in the answer that issues it.</summary>
    public sealed record IssuedFeedKey(string FeedId, string ApiKey, string ApiSecret);

    /// <summary>A look-up in flight (expiry unset, shared by every caller) or done and valid until its expiry.</summary>
    private sealed class CachedKey
    {
        public readonly TaskCompletionSource<ResolvedKey?> Lookup = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long ExpiresAtMs = long.MaxValue;
    }

    public async Task<Issued> CreateAccount(string? label, CancellationToken cancellationToken)
    {
        var accountId = await store.CreateAccount(label, cancellationToken);
        return await IssueKey(accountId, cancellationToken);
    }

    /// <summary>A new key and secret for an existing account; the account's other keys keep working.</summary>
    public async Task<Issued> IssueKey(long accountId, CancellationToken cancellationToken)
    {
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyLength / 2));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await store.AddKey(apiKey, accountId, protector.Protect(secret, apiKey), cancellationToken);
        return new Issued(accountId, apiKey, secret);
    }

    /// <summary>A new key and secret for a price feed (as "BTC-USD.sim-1"); the feed's other keys keep working.</summary>
    public async Task<IssuedFeedKey> IssueFeedKey(string feedId, CancellationToken cancellationToken)
    {
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyLength / 2));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await store.AddFeedKey(apiKey, feedId, protector.Protect(secret, apiKey), cancellationToken);
        return new IssuedFeedKey(feedId, apiKey, secret);
    }

    /// <summary>Revokes every key of the feed (refused here at once, elsewhere within the key cache time); the keys revoked.</summary>
    public async Task<string[]> RevokeFeedKeys(string feedId, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeFeedKeys(feedId, cancellationToken);
        foreach (var key in revoked) _cache.TryRemove(key, out _);
        return revoked;
    }

    public Task<bool> FeedHasKey(string feedId, CancellationToken cancellationToken) => store.FeedHasKey(feedId, cancellationToken);

    /// <summary>Revokes the key: refused here at once, on other gateways within the key cache time. Its owner, or null.</summary>
    public async Task<KeyOwner?> Revoke(string apiKey, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(apiKey)) return null;
        var owner = await store.RevokeKey(apiKey, cancellationToken);
        _cache.TryRemove(apiKey, out _);
        return owner;
    }

    /// <summary>Revokes the account's keys other than <paramref name="keep"/>; the keys revoked.</summary>
    public async Task<string[]> RevokeOthers(long accountId, string keep, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeOtherKeys(accountId, keep, cancellationToken);
        foreach (var key in revoked) _cache.TryRemove(key, out _);
        return revoked;
    }

    public Task<ApiKeyInfo[]> Keys(long accountId, CancellationToken cancellationToken) => store.Keys(accountId, cancellationToken);

    public Task<HashSet<long>> ExistingAccounts(long[] accountIds, CancellationToken cancellationToken) =>
        store.ExistingAccounts(accountIds, cancellationToken);

    public Task<bool> AccountExists(long accountId, CancellationToken cancellationToken) =>
        accountId > 0 ? store.AccountExists(accountId, cancellationToken) : Task.FromResult(false);

    public async Task<ResolvedKey?> Resolve(string apiKey, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(apiKey)) return null;
        while (true)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var cached = _cache.GetValueOrDefault(apiKey);
            if (cached is not null && now < Volatile.Read(ref cached.ExpiresAtMs))
                return await cached.Lookup.Task.WaitAsync(cancellationToken);
            var mine = new CachedKey();
            if (cached is null ? !_cache.TryAdd(apiKey, mine) : !_cache.TryUpdate(apiKey, mine, cached)) continue; // another caller's look-up
            if (_cache.Count > MaxCachedKeys) Trim(now);
            try
            {
                // Not the caller's token: other requests wait on this look-up too.
                var stored = await store.FindKey(apiKey, CancellationToken.None);
                var key = stored is not null && protector.Unprotect(stored.EncryptedSecret, apiKey) is { } secret
                    ? new ResolvedKey(stored.AccountId, secret, stored.FeedId) : null;
                Volatile.Write(ref mine.ExpiresAtMs, now + (key is null ? _unknownMs : _knownMs));
                mine.Lookup.SetResult(key);
                return key;
            }
            catch (Exception ex)
            {
                _cache.TryRemove(KeyValuePair.Create(apiKey, mine));
                mine.Lookup.SetException(ex);
                _ = mine.Lookup.Task.Exception; // observed: the failure is the caller's to report
                throw;
            }
        }
    }

    /// <summary>Many distinct keys (guessed ones, mostly): drop what expired, and everything if that is not enough.</summary>
    private void Trim(long now)
    {
        foreach (var (key, entry) in _cache)
            if (Volatile.Read(ref entry.ExpiresAtMs) <= now) _cache.TryRemove(KeyValuePair.Create(key, entry));
        if (_cache.Count > MaxCachedKeys) _cache.Clear();
    }

    public static bool IsWellFormed(string apiKey) =>
        apiKey.Length == KeyLength && apiKey.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
