using Npgsql;

namespace Exchange.Client.Keys;

/// <summary>API keys in PostgreSQL (tables from db/migrations/0003_api_keys.sql).</summary>
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

    public async Task AddKey(string apiKey, long accountId, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "insert into api_keys (api_key, account_id, secret_encrypted) values ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = apiKey });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = encryptedSecret });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredApiKey?> FindKey(string apiKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select account_id, secret_encrypted from api_keys where api_key = $1 and revoked_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = apiKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredApiKey(reader.GetInt64(0), (byte[])reader.GetValue(1));
    }

    public async Task Ping(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select 1 from api_keys limit 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
