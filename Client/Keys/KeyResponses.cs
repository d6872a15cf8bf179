namespace Exchange.Client.Keys;

/// <summary>A key issued for an existing account; the secret is shown only here. <c>Revoked</c>: the keys this call revoked.</summary>
public sealed record KeyIssuedResponse(long AccountId, string ApiKey, string ApiSecret, string[] Revoked);

public sealed record KeyRevokedResponse(string ApiKey, long AccountId, bool Revoked);

/// <summary>One of an account's keys, never its secret; times in Unix milliseconds.</summary>
public sealed record KeyResponse(string ApiKey, long CreatedAt, long? RevokedAt);
