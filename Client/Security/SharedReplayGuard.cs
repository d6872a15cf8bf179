using System.Threading.Channels;
using Exchange.Client.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Client.Security;

/// <summary>
/// The replay guard all gateways share: the <c>request_signatures</c> table (db/migrations/0005), in front of which this
/// process's own <see cref="ReplayGuard"/> refuses replays to the same gateway without a round trip. A signature is
/// new when its insert adds a row; a row already there means another gateway accepted it. Inserts are group-committed:
/// while one statement is in flight, the signatures that arrive queue and go in the next one, so the guard costs a
/// round trip per batch, not per request. Rows are deleted <see cref="RetentionMs"/> after they expire, a margin for
/// the gateways' clocks disagreeing. If the table cannot be reached the request is refused (the guard fails closed).
/// </summary>
public sealed class SharedReplayGuard : IReplayGuard, IAsyncDisposable
{
    public const long RetentionMs = 60_000;
    private const int MaxBatch = 4096, CleanupEveryMs = 5_000;

    private readonly ReplayGuard _local;
    private readonly NpgsqlDataSource _database;
    private readonly long _windowMs;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _nextCleanupMs;
    private int _cleaning;

    private readonly record struct Pending(string Signature, long ExpiresMs, long NowMs, TaskCompletionSource<bool> Recorded);

    public SharedReplayGuard(NpgsqlDataSource database, IOptions<GatewayOptions> options)
    {
        _database = database;
        _local = new ReplayGuard(options);
        _windowMs = (long)options.Value.SignatureWindow.TotalMilliseconds;
        _writer = Task.Run(Write);
    }

    public async ValueTask<bool> TryRecord(string signature, long timestampMs, long nowMs, CancellationToken cancellationToken)
    {
        if (!_local.TryRecord(signature, timestampMs, nowMs)) return false;
        var recorded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(new Pending(signature, timestampMs + _windowMs, nowMs, recorded)), this);
        return await recorded.Task.WaitAsync(cancellationToken);
    }

    private async Task Write()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                var added = await Insert(batch);
                foreach (var pending in batch) pending.Recorded.TrySetResult(added.Contains(pending.Signature));
            }
            catch (Exception ex)
            {
                foreach (var pending in batch) pending.Recorded.TrySetException(ex);
            }
            CleanUpIfDue(batch[^1].NowMs);
        }
    }

    private async Task<HashSet<string>> Insert(List<Pending> batch)
    {
        var signatures = new byte[batch.Count][];
        var expiries = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++) (signatures[i], expiries[i]) = (Convert.FromHexString(batch[i].Signature), batch[i].ExpiresMs);
        await using var command = _database.CreateCommand(
            "insert into request_signatures (signature, expires_ms) select * from unnest($1, $2) on conflict do nothing returning signature");
        command.CommandTimeout = 5;
        command.Parameters.Add(new NpgsqlParameter { Value = signatures, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = expiries, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        var added = new HashSet<string>(batch.Count, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) added.Add(Convert.ToHexStringLower((byte[])reader.GetValue(0)));
        return added;
    }

    /// <summary>Beside the writer, never in its way: a slow delete must not hold up the next batch.</summary>
    private void CleanUpIfDue(long nowMs)
    {
        if (nowMs < _nextCleanupMs || Interlocked.Exchange(ref _cleaning, 1) == 1) return;
        _nextCleanupMs = nowMs + CleanupEveryMs;
        _ = Task.Run(async () =>
        {
            try
            {
                await using var command = _database.CreateCommand("delete from request_signatures where expires_ms < $1");
                command.Parameters.Add(new NpgsqlParameter { Value = nowMs - RetentionMs });
                await command.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The next batch tries again; rows left over only cost space.
            }
            finally
            {
                Volatile.Write(ref _cleaning, 0);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
