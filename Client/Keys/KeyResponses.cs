namespace Exchange.Client.Keys;

/// <summary>A key issued for an existing account; the secret is shown only here. <c>Revoked</c>: the keys this call revoked.</summary>
public sealed record KeyIssuedResponse(long AccountId, string ApiKey, string ApiSecret, string[] Revoked);

/// <param name="AccountId">The account whose key it was; null for a price feed's key.</param>
/// <param name="FeedId">The price feed whose key it was (as "BTC-USD.sim-1"); null for an account's key.</param>
public sealed record KeyRevokedResponse(string ApiKey, long? AccountId, bool Revoked, string? FeedId = null);

/// <summary>One of an account's keys, never its secret; times in Unix milliseconds.</summary>
public sealed record KeyResponse(string ApiKey, long CreatedAt, long? RevokedAt);
