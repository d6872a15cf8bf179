namespace Exchange.Client.Keys;

/// <summary>Where the gateway keeps its accounts and API keys (secrets only encrypted).</summary>
public interface IApiKeyStore
{
    /// <summary>Whether the store survives a restart (false: the in-memory store).</summary>
    bool IsDurable { get; }

    Task<long> CreateAccount(string? label, CancellationToken cancellationToken);

    Task<bool> AccountExists(long accountId, CancellationToken cancellationToken);

    Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken);

    /// <summary>The key's account and encrypted secret; null if unknown or revoked.</summary>
    Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken);

    /// <summary>Revokes the key (again, if it already was); its account, or null if there is no such key.</summary>
    Task<long?> RevokeKey(string apiKey, CancellationToken cancellationToken);

    /// <summary>Revokes every key of the account except <paramref name="keep"/>; the keys revoked now.</summary>
    Task<string[]> RevokeOtherKeys(long accountId, string keep, CancellationToken cancellationToken);

    /// <summary>The account's keys, oldest first, revoked ones included (never a secret).</summary>
    Task<ApiKeyInfo[]> Keys(long accountId, CancellationToken cancellationToken);

    /// <summary>Throws if the store cannot be reached (readiness).</summary>
    Task Ping(CancellationToken cancellationToken);
}

public sealed record StoredApiKey(long AccountId, byte[] EncryptedSecret);

public sealed record ApiKeyInfo(string ApiKey, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
