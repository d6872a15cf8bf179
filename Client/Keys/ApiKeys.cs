using System.Collections.Concurrent;
using System.Security.Cryptography;
using Exchange.Client.Security;

namespace Exchange.Client.Keys;

/// <summary>
/// Issues accounts and API keys, and resolves a key to its account and secret. A resolved key is cached for the
/// life of the process (keys are never changed, only added); an unknown key goes to the store each time, but
/// only after the request's timestamp passed the window check, and only if it has the shape of a key.
/// </summary>
public sealed class ApiKeys(IApiKeyStore store, SecretProtector protector)
{
    public const int KeyLength = 32;
    private readonly ConcurrentDictionary<string, ResolvedKey> _cache = new(StringComparer.Ordinal);

    public sealed record Issued(long AccountId, string ApiKey, string ApiSecret);

    public sealed record ResolvedKey(long AccountId, byte[] Secret);

    public async Task<Issued> CreateAccount(string? label, CancellationToken cancellationToken)
    {
        var accountId = await store.CreateAccount(label, cancellationToken);
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyLength / 2));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await store.AddKey(apiKey, accountId, protector.Protect(secret, apiKey), cancellationToken);
        return new Issued(accountId, apiKey, secret);
    }

    public Task<bool> AccountExists(long accountId, CancellationToken cancellationToken) =>
        accountId > 0 ? store.AccountExists(accountId, cancellationToken) : Task.FromResult(false);

    public async Task<ResolvedKey?> Resolve(string apiKey, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(apiKey)) return null;
        if (_cache.TryGetValue(apiKey, out var cached)) return cached;
        var stored = await store.FindKey(apiKey, cancellationToken);
        if (stored is null || protector.Unprotect(stored.EncryptedSecret, apiKey) is not { } secret) return null;
        return _cache[apiKey] = new ResolvedKey(stored.AccountId, secret);
    }

    private static bool IsWellFormed(string apiKey) =>
        apiKey.Length == KeyLength && apiKey.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
