using Npgsql;

namespace Exchange.Client.Keys;

/// <summary>API keys in PostgreSQL (tables from db/migrations/0003_api_keys.sql; feed keys from 0007).</summary>
public sealed class PostgresApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyStore
{
    public bool IsDurable => true;

    public async Task<long> CreateAccount(string? label, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("insert into gateway_accounts (label) values ($1) returning account_id");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)label ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> AccountExists(long accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from gateway_accounts where account_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<HashSet<long>> ExistingAccounts(long[] accountIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select account_id from gateway_accounts where account_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = accountIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetInt64(0));
        return found;
    }

    public async Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "insert into api_keys (api_key, account_id, secret_encrypted) values ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = apiKey });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = encryptedSecret });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddFeedKey(string apiKey, string feedId, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "insert into api_keys (api_key, feed_id, secret_encrypted) values ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = apiKey });
        command.Parameters.Add(new NpgsqlParameter { Value = feedId });
        command.Parameters.Add(new NpgsqlParameter { Value = encryptedSecret });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string[]> RevokeFeedKeys(string feedId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update api_keys set revoked_at = now() where feed_id = $1 and revoked_at is null returning api_key");
        command.Parameters.Add(new NpgsqlParameter { Value = feedId });
        var revoked = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) revoked.Add(reader.GetString(0));
        return [.. revoked.Order(StringComparer.Ordinal)];
    }

    public async Task<bool> FeedHasKey(string feedId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from api_keys where feed_id = $1 and revoked_at is null)");
        command.Parameters.Add(new NpgsqlParameter { Value = feedId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select account_id, secret_encrypted, feed_id from api_keys where api_key = $1 and revoked_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = apiKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredApiKey(reader.IsDBNull(0) ? 0 : reader.GetInt64(0), (byte[])reader.GetValue(1),
            reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    public async Task<KeyOwner?> RevokeKey(string apiKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update api_keys set revoked_at = coalesce(revoked_at, now()) where api_key = $1 returning account_id, feed_id");
        command.Parameters.Add(new NpgsqlParameter { Value = apiKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new KeyOwner(reader.IsDBNull(0) ? 0 : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    public async Task<string[]> RevokeOtherKeys(long accountId, string keep, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update api_keys set revoked_at = now() where account_id = $1 and api_key <> $2 and revoked_at is null returning api_key");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = keep });
        var revoked = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) revoked.Add(reader.GetString(0));
        return [.. revoked.Order(StringComparer.Ordinal)];
    }

    public async Task<ApiKeyInfo[]> Keys(long accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select api_key, created_at, revoked_at from api_keys where account_id = $1 order by created_at, api_key");
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        var keys = new List<ApiKeyInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(new ApiKeyInfo(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        return [.. keys];
    }

    public async Task Ping(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select 1 from api_keys limit 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
