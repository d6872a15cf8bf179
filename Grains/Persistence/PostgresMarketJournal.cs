using System.Runtime.CompilerServices;
using System.Text.Json;
using Exchange.Journal;
using Exchange.Matching;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Persistence;

/// <summary>
/// The market journal in PostgreSQL. One row per batch in <c>market_journal</c>; <c>market_heads</c> holds each
/// market's last sequence and is the expected-version check: an append moves the head from exactly
/// FirstSequence - 1 to LastSequence in the same statement that inserts the batch, so a second writer with a
/// stale view changes nothing. The primary key (market, first_sequence) and the unique batch id back that up.
/// </summary>
public sealed class PostgresMarketJournal(NpgsqlDataSource dataSource) : IMarketJournal
{
    private const string AppendSql = """
        with head as (
            update market_heads set last_sequence = $4
            where market = $1 and last_sequence = $2 - 1
            returning market)
        insert into market_journal (market, first_sequence, last_sequence, batch_id, payload, last_order_id, order_filter)
        select market, $2, $4, $3, $5, $6, $7 from head
        """;

    public async Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(
            "insert into markets (symbol, spec) values ($1, $2) on conflict do nothing", connection, transaction);
        insert.Parameters.Add(new() { Value = spec.Symbol });
        insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(spec), NpgsqlDbType = NpgsqlDbType.Jsonb });
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0) return false;
        await using var head = new NpgsqlCommand(
            "insert into market_heads (market, last_sequence) values ($1, 0)", connection, transaction);
        head.Parameters.Add(new() { Value = spec.Symbol });
        await head.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select spec::text from markets order by symbol");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var specs = new List<MarketSpec>();
        while (await reader.ReadAsync(cancellationToken)) specs.Add(ParseSpec(reader.GetString(0)));
        return [.. specs];
    }

    public async Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select spec::text from markets where symbol = $1");
        command.Parameters.Add(new() { Value = symbol });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? ParseSpec(json) : null;
    }

    public async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
    {
        var payload = JournalCodec.EncodeEntries(batch.Entries);
        await using var command = dataSource.CreateCommand(AppendSql);
        command.Parameters.Add(new() { Value = market });
        command.Parameters.Add(new() { Value = batch.FirstSequence });
        command.Parameters.Add(new() { Value = batch.BatchId });
        command.Parameters.Add(new() { Value = batch.LastSequence });
        command.Parameters.Add(new() { Value = payload });
        var orders = BatchOrders.Of(batch);
        command.Parameters.Add(new() { Value = orders.LastAccepted > 0 ? orders.LastAccepted : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = orders.Filter, NpgsqlDbType = NpgsqlDbType.Bytea });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw new JournalFencedException(
                $"{market}: the journal no longer ends at sequence {batch.FirstSequence - 1}; another writer appended first");
    }

    public async Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Locking the head waits out any append still holding it, so what we read next is final.
        await using var lockHead = new NpgsqlCommand(
            "select last_sequence from market_heads where market = $1 for update", connection, transaction);
        lockHead.Parameters.Add(new() { Value = market });
        await lockHead.ExecuteScalarAsync(cancellationToken);
        await using var find = new NpgsqlCommand(
            "select exists (select 1 from market_journal where market = $1 and batch_id = $2)", connection, transaction);
        find.Parameters.Add(new() { Value = market });
        find.Parameters.Add(new() { Value = batchId });
        var found = (bool)(await find.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return found;
    }

    public IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken) =>
        // A reader that stops early (an account's catch-up, a lookup that found what it wanted) costs what it read. One
        // query for the whole rest had the server send, and this client drain unread, the rest of the journal at every
        // early stop: at 100,000 accounts catching up after a reload, that was the journal thousands of times over, and
        // the market's own appends timed out behind it. The batch holding the first sequence wanted is found by the
        // primary key (last_sequence alone is not indexed: it scanned the whole market).
        ReadInPages("""
            select batch_id, first_sequence, last_sequence, payload from market_journal
            where market = $1 and last_sequence > $2
              and first_sequence >= coalesce((select max(first_sequence) from market_journal
                                              where market = $1 and first_sequence <= $2 + 1), 0)
            order by first_sequence limit $3
            """, market, afterSequence, firstPage: 16, largestPage: 1_024, [], cancellationToken);

    public async IAsyncEnumerable<JournalBatch> ReadFromOrder(string market, long orderId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The accepting batch through the order index (0010_journal_order_index), then pages of the batches after it
        // whose order filter may hold the order (0012; the 64-bit order_bloom of 0010 in older rows): the server skips
        // the others unread. Most orders end within a batch or two of their acceptance, so pages start smaller.
        long first;
        await using (var find = dataSource.CreateCommand("""
            select first_sequence from market_journal
            where market = $1 and last_order_id >= $2 order by last_order_id limit 1
            """))
        {
            find.Parameters.Add(new() { Value = market });
            find.Parameters.Add(new() { Value = orderId });
            if (await find.ExecuteScalarAsync(cancellationToken) is not long found) yield break;
            first = found;
        }
        var (position1, position2, position3) = BatchOrders.Positions(orderId);
        var batches = ReadInPages("""
            select batch_id, first_sequence, last_sequence, payload from market_journal
            where market = $1 and first_sequence > $2
              and case when order_filter is null then order_bloom is null or order_bloom & $4 = $4
                  else get_bit(order_filter, $5 & (octet_length(order_filter)::bigint * 8 - 1)) = 1
                   and get_bit(order_filter, $6 & (octet_length(order_filter)::bigint * 8 - 1)) = 1
                   and get_bit(order_filter, $7 & (octet_length(order_filter)::bigint * 8 - 1)) = 1 end
            order by first_sequence limit $3
            """, market, first - 1, firstPage: 2, largestPage: 256,
            [BatchOrders.LegacyBits(orderId), position1, position2, position3], cancellationToken);
        await foreach (var batch in batches) yield return batch;
    }

    /// <summary>
    /// The batches a page query names, page after page: <paramref name="pageSql"/> takes the market ($1), the sequence to
    /// read after ($2), the page size ($3) and <paramref name="more"/> ($4 on). Pages grow fourfold from
    /// <paramref name="firstPage"/>, so a reader that stops early never has the server send the rest of the journal.
    /// </summary>
    private async IAsyncEnumerable<JournalBatch> ReadInPages(string pageSql, string market, long after, int firstPage, int largestPage,
        long[] more, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageSize = firstPage;
        while (true)
        {
            var batches = new List<JournalBatch>(pageSize);
            await using (var page = dataSource.CreateCommand(pageSql))
            {
                page.Parameters.Add(new() { Value = market });
                page.Parameters.Add(new() { Value = after });
                page.Parameters.Add(new() { Value = pageSize });
                foreach (var value in more) page.Parameters.Add(new() { Value = value });
                await using var reader = await page.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    batches.Add(new JournalBatch(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2),
                        JournalCodec.DecodeEntries(reader.GetFieldValue<byte[]>(3))));
            }
            foreach (var batch in batches) yield return batch;
            if (batches.Count < pageSize) yield break;
            after = batches[^1].LastSequence;
            pageSize = Math.Min(pageSize * 4, largestPage);
        }
    }

    public async Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            insert into market_snapshots (market, sequence, state_hash, payload, account_heads) values ($1, $2, $3, $4, $5)
            on conflict do nothing
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = market });
        insert.Parameters.Add(new() { Value = snapshot.Sequence });
        insert.Parameters.Add(new() { Value = unchecked((long)snapshot.StateHash) });
        insert.Parameters.Add(new() { Value = JournalCodec.EncodeSnapshot(snapshot.Book) });
        insert.Parameters.Add(new()
        {
            Value = snapshot.AccountHeads is { } heads ? JournalCodec.EncodeAccountHeads(heads) : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.Bytea,
        });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        // Recovery needs only the newest snapshot; keep one older in case the newest is ever unreadable.
        await using var prune = new NpgsqlCommand("""
            delete from market_snapshots where market = $1 and sequence < (
                select min(sequence) from (select sequence from market_snapshots where market = $1
                                           order by sequence desc limit 2) newest)
            """, connection, transaction);
        prune.Parameters.Add(new() { Value = market });
        await prune.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select sequence, state_hash, payload, account_heads from market_snapshots where market = $1 order by sequence desc limit 1");
        command.Parameters.Add(new() { Value = market });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredSnapshot(reader.GetInt64(0), unchecked((ulong)reader.GetInt64(1)),
            JournalCodec.DecodeSnapshot(reader.GetFieldValue<byte[]>(2)),
            reader.IsDBNull(3) ? null : JournalCodec.DecodeAccountHeads(reader.GetFieldValue<byte[]>(3)));
    }

    private static MarketSpec ParseSpec(string json) =>
        JsonSerializer.Deserialize<MarketSpec>(json) ?? throw new InvalidDataException("market spec is null");
}
