using System.Text.Json;
using Exchange.Accounts;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Persistence;

/// <summary>The account store in PostgreSQL (tables from 0002_accounts.sql, the snapshot version from 0008).</summary>
public sealed class PostgresAccountStore(NpgsqlDataSource dataSource) : IAccountStore
{
    public async Task AppendTransfer(long accountId, TransferRecord transfer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "insert into account_transfers (account_id, sequence, transfer_id, kind, amount) values ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = transfer.Sequence });
        command.Parameters.Add(new() { Value = transfer.TransferId });
        command.Parameters.Add(new() { Value = (short)transfer.Kind });
        command.Parameters.Add(new() { Value = transfer.Amount });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new TransferConflictException(ex.MessageText, transferIdTaken: ex.ConstraintName?.Contains("transfer_id", StringComparison.Ordinal) == true);
        }
    }

    public async Task<TransferRecord?> FindTransfer(long accountId, string transferId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select sequence, transfer_id, kind, amount from account_transfers where account_id = $1 and transfer_id = $2");
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = transferId });
        return (await Read(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<TransferRecord[]> TransfersAfter(long accountId, long sequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select sequence, transfer_id, kind, amount from account_transfers where account_id = $1 and sequence > $2 order by sequence");
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = sequence });
        return [.. await Read(command, cancellationToken)];
    }

    public async Task AddMarket(long accountId, string symbol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "insert into account_markets (account_id, market) values ($1, $2) on conflict do nothing");
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = symbol });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string[]> Markets(long accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select market from account_markets where account_id = $1 order by market");
        command.Parameters.Add(new() { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var markets = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) markets.Add(reader.GetString(0));
        return [.. markets];
    }

    public async Task<bool> SaveSnapshot(long accountId, long expectedVersion, long transferSequence, AccountSnapshot snapshot,
        CancellationToken cancellationToken)
    {
        // One statement, a compare-and-set on the version: the first snapshot inserts (a row inserted meanwhile by
        // another activation makes the insert a conflict whose update finds the wrong version), later ones replace
        // exactly the version this activation loaded or wrote. No row changed: someone else wrote in between.
        await using var command = dataSource.CreateCommand("""
            insert into account_snapshots (account_id, transfer_sequence, payload, version) values ($1, $2, $3, $4 + 1)
            on conflict (account_id) do update set transfer_sequence = excluded.transfer_sequence, payload = excluded.payload,
                version = excluded.version, updated_at = now()
            where account_snapshots.version = $4
            """);
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = transferSequence });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(snapshot), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = expectedVersion });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<StoredAccountSnapshot?> LoadSnapshot(long accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select version, transfer_sequence, payload::text from account_snapshots where account_id = $1");
        command.Parameters.Add(new() { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var snapshot = JsonSerializer.Deserialize<AccountSnapshot>(reader.GetString(2))
            ?? throw new InvalidDataException($"account {accountId}: empty snapshot");
        return new StoredAccountSnapshot(reader.GetInt64(0), reader.GetInt64(1), snapshot);
    }

    public async Task<long[]> AccountIds(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select account_id from account_transfers union select account_id from account_markets order by 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetInt64(0));
        return [.. ids];
    }

    public async Task<(long Deposits, long Withdrawals)> TransferTotals(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select coalesce(sum(amount) filter (where kind = 1), 0)::bigint, coalesce(sum(amount) filter (where kind = 2), 0)::bigint
            from account_transfers
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<List<TransferRecord>> Read(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<TransferRecord>();
        while (await reader.ReadAsync(cancellationToken))
            records.Add(new TransferRecord(reader.GetInt64(0), reader.GetString(1), (TransferKind)reader.GetInt16(2), reader.GetInt64(3)));
        return records;
    }
}
