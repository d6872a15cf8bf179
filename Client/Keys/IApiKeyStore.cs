namespace Exchange.Client.Keys;

/// <summary>Where the gateway keeps its accounts and API keys (secrets only encrypted).</summary>
public interface IApiKeyStore
{
    /// <summary>Whether the store survives a restart (false: the in-memory store).</summary>
    bool IsDurable { get; }

    Task<long> CreateAccount(string? label, CancellationToken cancellationToken);

    Task<bool> AccountExists(long accountId, CancellationToken cancellationToken);

    /// <summary>Which of these accounts exist (one read for many).</summary>
    Task<HashSet<long>> ExistingAccounts(long[] accountIds, CancellationToken cancellationToken);

    Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken);

    /// <summary>Adds a price feed's key: it may publish for that feed only, never act for an account.</summary>
    Task AddFeedKey(string apiKey, string feedId, byte[] encryptedSecret, CancellationToken cancellationToken);

    /// <summary>Revokes every key of the feed; the keys revoked now.</summary>
    Task<string[]> RevokeFeedKeys(string feedId, CancellationToken cancellationToken);

    /// <summary>Whether the feed has a key that is not revoked.</summary>
    Task<bool> FeedHasKey(string feedId, CancellationToken cancellationToken);

    /// <summary>The key's owner (account or feed) and encrypted secret; null if unknown or revoked.</summary>
    Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken);

    /// <summary>Revokes the key (again, if it already was); its owner, or null if there is no such key.</summary>
    Task<KeyOwner?> RevokeKey(string apiKey, CancellationToken cancellationToken);

    /// <summary>Revokes every key of the account except <paramref name="keep"/>; the keys revoked now.</summary>
    Task<string[]> RevokeOtherKeys(long accountId, string keep, CancellationToken cancellationToken);

    /// <summary>The account's keys, oldest first, revoked ones included (never a secret).</summary>
    Task<ApiKeyInfo[]> Keys(long accountId, CancellationToken cancellationToken);

    /// <summary>Throws if the store cannot be reached (readiness).</summary>
    Task Ping(CancellationToken cancellationToken);
}

/// <param name="AccountId">The account the key acts for; 0 for a feed's key.</param>
/// <param name="FeedId">The price feed the key publishes for (as "BTC-USD.sim-1"); null for an account's key.</param>
public sealed record StoredApiKey(long AccountId, byte[] EncryptedSecret, string? FeedId = null);

/// <summary>Whose a key is: an account's (<see cref="FeedId"/> null) or a price feed's (<see cref="AccountId"/> 0).</summary>
public sealed record KeyOwner(long AccountId, string? FeedId = null);

public sealed record ApiKeyInfo(string ApiKey, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
