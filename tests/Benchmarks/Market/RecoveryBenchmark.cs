using System.Diagnostics;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.W1;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;

namespace Exchange.Benchmarks.Market;

internal sealed record RecoveryBenchOptions(
    string Journal, string? Postgres, int Orders, int BatchSize, long SnapshotEvery, IReadOnlyList<string> Settings);

/// <summary>
/// How long a big market takes to serve again after its grain is deactivated: load it with resting orders that
/// never cross (bids below the mid, asks above, over many levels), wait for the snapshot the grain takes on its
/// own (every <c>SnapshotEveryEvents</c>), deactivate the grain, and time the next call, which activates it
/// (newest snapshot, then the journal tail) and answers. Then, outside the grain, the same recovery's parts, and
/// a full replay of the journal with the snapshots hidden. Every rebuilt book must have the state hash the
/// market had before.
/// </summary>
internal static class RecoveryBenchmark
{
    private const long Mid = 500_000;
    private const int LevelsPerSide = 10_000;

    public static async Task<int> RunAsync(RecoveryBenchOptions o)
    {
        var ci = Measure.Ci;
        Measure.PrintMachine();
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var db = await JournalDatabase.OpenAsync(o.Journal, o.Postgres, setup.Token);
        Console.WriteLine($"journal: {db.Description}");
        Console.WriteLine($"market: {o.Orders} resting limit orders, bids {Mid - LevelsPerSide}..{Mid - 1} and asks {Mid}..{Mid + LevelsPerSide - 1} "
            + $"({2 * LevelsPerSide} levels, {o.Orders / (2 * LevelsPerSide)} orders a level), loaded with ExecuteBatch of {o.BatchSize}; "
            + $"SnapshotEveryEvents={o.SnapshotEvery}");

        // The market alone: its commits do not also notify the account grains of the load's thousand accounts.
        var host = await BenchSilo.StartAsync(db, m => (m.SnapshotEveryEvents, m.NotifyAccounts) = (o.SnapshotEvery, false),
            timeAppends: false, o.Settings, setup.Token);
        var failed = false;
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var journal = host.Services.GetRequiredService<IMarketJournal>();
            var spec = W1Workload.Spec with { Symbol = "RECOVERY" };
            if (await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec) != CreateMarketResult.Created)
                throw new InvalidOperationException("could not create the market");
            var grain = client.GetGrain<IMarketGrain>(spec.Symbol);

            // Load.
            var sw = Stopwatch.StartNew();
            var expectedSnapshot = 0L;
            var calls = new List<(long Ticks, long End, bool Snapshot)>(o.Orders / o.BatchSize + 1);
            for (var first = 0; first < o.Orders; first += o.BatchSize)
            {
                var n = Math.Min(o.BatchSize, o.Orders - first);
                var commands = new MarketCommand[n];
                for (var k = 0; k < n; k++) commands[k] = new PlaceCommand(Order(first + k));
                var t = Stopwatch.GetTimestamp();
                var outcomes = await grain.ExecuteBatch(commands);
                t = Stopwatch.GetTimestamp() - t;
                foreach (var outcome in outcomes)
                    if (outcome is not { Status: CommandStatus.Committed, Events: [{ Kind: EventKind.OrderAccepted }] })
                        throw new InvalidOperationException($"loading: {outcome}");
                // The grain's rule: a snapshot at the cut of the first batch that ends SnapshotEveryEvents past the last one.
                var end = (long)first + n;
                var snapshot = end - expectedSnapshot >= o.SnapshotEvery;
                if (snapshot) expectedSnapshot = end;
                calls.Add((t, end, snapshot));
            }
            var loadSeconds = sw.Elapsed.TotalSeconds;
            var before = await grain.GetStatus();
            Console.WriteLine(string.Create(ci, $"loaded in {loadSeconds:F1} s ({o.Orders / loadSeconds:F0} orders/s acknowledged); "
                + $"sequence {before.Sequence}, {before.RestingOrders} resting, state hash {before.StateHash:X16}"));
            if (before.RestingOrders != o.Orders) throw new InvalidOperationException("orders crossed while loading");
            // A snapshot is captured (and its state hash computed) on the grain's turn when its batch is cut, and
            // encoded for the journal on the grain's scheduler too: the calls around it wait.
            var plain = calls.Where(c => !c.Snapshot).Select(c => c.Ticks).Order().ToArray();
            Console.WriteLine($"ExecuteBatch({o.BatchSize}) calls: p50={Measure.Duration(Measure.Percentile(plain, 0.5))} "
                + $"p99={Measure.Duration(Measure.Percentile(plain, 0.99))} max={Measure.Duration(Measure.Percentile(plain, 1))} without a snapshot; "
                + "with one: " + string.Join(", ", calls.Where(c => c.Snapshot).Select(c => $"{Measure.Duration(c.Ticks)} at {c.End}")));
            var slowest = calls.OrderByDescending(c => c.Ticks).Take(5).OrderBy(c => c.End);
            Console.WriteLine("slowest calls: " + string.Join(", ", slowest.Select(c => $"{Measure.Duration(c.Ticks)} ending at {c.End}{(c.Snapshot ? " (snapshot)" : "")}")));

            // The snapshot is saved in the background after its batch commits: wait for the one the rule predicts.
            sw.Restart();
            var (snapshotSequence, snapshotBytes) = await LatestSnapshot(journal, db.ConnectionString, spec.Symbol, setup.Token);
            while (snapshotSequence < expectedSnapshot)
            {
                if (sw.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"no snapshot at {expectedSnapshot} (latest {snapshotSequence})");
                await Task.Delay(100, setup.Token);
                (snapshotSequence, snapshotBytes) = await LatestSnapshot(journal, db.ConnectionString, spec.Symbol, setup.Token);
            }
            var tail = before.Sequence - snapshotSequence;
            Console.WriteLine($"newest snapshot: sequence {snapshotSequence}{(snapshotBytes > 0 ? $", {snapshotBytes / 1e6:F1} MB encoded" : " (kept as objects)")}; "
                + $"journal tail after it: {tail} events");

            // Deactivate, then time the call that activates the grain again.
            var management = client.GetGrain<IManagementGrain>(0);
            sw.Restart();
            await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
            // Not GetActivationAddress: the directory may still name the old activation after it is gone. This silo
            // hosts one market grain, the one under test, so "no MarketGrain activation" means it is gone.
            while ((await management.GetSimpleGrainStatistics()).Any(x => x.GrainType.StartsWith(typeof(MarketGrain).FullName + ",", StringComparison.Ordinal) && x.ActivationCount > 0))
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the market grain did not deactivate");
                await Task.Delay(20, setup.Token);
            }
            Console.WriteLine(string.Create(ci, $"deactivated (DeactivateOnIdle; no activation left after {sw.Elapsed.TotalMilliseconds:F0} ms)"));
            Collect();

            var t0 = Stopwatch.GetTimestamp();
            var after = await grain.GetStatus();
            var activation = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            t0 = Stopwatch.GetTimestamp();
            var again = await grain.GetStatus();
            var warmStatus = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            var same = after.StateHash == before.StateHash && after.Sequence == before.Sequence && after.RestingOrders == before.RestingOrders
                && again.StateHash == before.StateHash;
            failed |= !same;
            Console.WriteLine();
            Console.WriteLine(string.Create(ci, $"serving again: {activation:F2} s from the first call after deactivation to its answer "
                + $"(activation: snapshot at {snapshotSequence} + {tail} events replayed; then GetStatus)"));
            Console.WriteLine($"state after recovery: sequence {after.Sequence}, {after.RestingOrders} resting, hash {after.StateHash:X16} -> "
                + (same ? "SAME as before" : "DIFFERENT from before"));
            Console.WriteLine(string.Create(ci, $"a second GetStatus on the active grain: {warmStatus * 1e3:F1} ms (it hashes the whole book)"));

            // The same recovery's parts, outside the grain.
            Console.WriteLine();
            Console.WriteLine("where activation time goes (measured outside the grain, same journal):");
            Collect();
            t0 = Stopwatch.GetTimestamp();
            var stored = await journal.LatestSnapshot(spec.Symbol, setup.Token) ?? throw new InvalidOperationException("no snapshot");
            var readSnapshot = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            t0 = Stopwatch.GetTimestamp();
            var fromSnapshot = new FastOrderBook(spec, stored.Book);
            var build = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            t0 = Stopwatch.GetTimestamp();
            var snapshotHash = fromSnapshot.StateHash();
            var hash = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            Console.WriteLine(string.Create(ci, $"  read + decode the snapshot: {readSnapshot:F2} s; build the book from it: {build:F2} s; "
                + $"state hash check: {hash:F2} s ({(snapshotHash == stored.StateHash ? "matches" : "DIFFERS")})"));
            failed |= snapshotHash != stored.StateHash;
            Collect();
            t0 = Stopwatch.GetTimestamp();
            var recovered = (await MarketRecovery.Load(journal, spec, setup.Token)).Book;
            var load = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            Console.WriteLine(string.Create(ci, $"  MarketRecovery.Load (snapshot + tail): {load:F2} s, hash {(recovered.StateHash() == before.StateHash ? "same" : "DIFFERENT")}"));
            failed |= recovered.StateHash() != before.StateHash;
            stored = null;
            fromSnapshot = null;
            recovered = null;

            // Full replay, snapshots hidden. The journal is read once untimed first, so that the decoder is compiled
            // (tiered JIT) and the rows are in the database's cache for both timed passes.
            using var replayDeadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            int batches = 0, entries = 0;
            for (var pass = 0; pass < 2; pass++)
            {
                batches = entries = 0;
                await foreach (var batch in journal.ReadAfter(spec.Symbol, 0, replayDeadline.Token))
                {
                    batches++;
                    entries += batch.Entries.Count;
                }
                if (pass == 0) t0 = Stopwatch.GetTimestamp();
            }
            var readAll = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            Collect();
            t0 = Stopwatch.GetTimestamp();
            var replayed = (await MarketRecovery.Load(new SnapshotHidingJournal(journal), spec, replayDeadline.Token)).Book;
            var replay = Measure.Seconds(Stopwatch.GetTimestamp() - t0);
            var replayedHash = replayed.StateHash();
            failed |= replayedHash != before.StateHash;
            Console.WriteLine();
            Console.WriteLine(string.Create(ci, $"full replay without snapshot: {replayed.Sequence} events ({entries} commands, {batches} batches) in {replay:F2} s "
                + $"= {replayed.Sequence / replay:F0} events/s; hash {(replayedHash == before.StateHash ? "SAME as before" : "DIFFERENT")}"));
            Console.WriteLine(string.Create(ci, $"  of which reading + decoding the journal alone: {readAll * 1e3:F1} ms")
                + (db.ConnectionString is null ? " (the in-memory journal hands out the batches it holds)" : string.Create(ci, $" ({entries / readAll:F0} commands/s)")));
            Measure.PrintLoad("at end");
        }
        finally
        {
            await BenchSilo.StopAsync(host);
        }
        return failed ? 1 : 0;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Order i of the load: alternately a bid and an ask, walking out over the levels, never crossing.</summary>
    private static PlaceOrder Order(int i)
    {
        var level = i / 2 % LevelsPerSide;
        var buy = i % 2 == 0;
        return new PlaceOrder(1 + i % 1000, buy ? Side.Buy : Side.Sell, OrderType.Limit,
            buy ? Mid - 1 - level : Mid + level, 1 + i % 100);
    }

    /// <summary>The newest snapshot's sequence and encoded size (0 for the in-memory journal, which keeps objects).</summary>
    private static async Task<(long Sequence, long Bytes)> LatestSnapshot(
        IMarketJournal journal, string? postgres, string symbol, CancellationToken cancellationToken)
    {
        if (postgres is null) return ((await journal.LatestSnapshot(symbol, cancellationToken))?.Sequence ?? 0, 0);
        // Not journal.LatestSnapshot: that decodes the whole snapshot on every poll.
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "select sequence, length(payload) from market_snapshots where market = $1 order by sequence desc limit 1", connection);
        command.Parameters.Add(new() { Value = symbol });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt32(1)) : (0, 0);
    }

    /// <summary>The journal as if no snapshot had ever been taken: recovery replays everything.</summary>
    private sealed class SnapshotHidingJournal(IMarketJournal inner) : IMarketJournal
    {
        public Task<bool> CreateMarket(MarketSpec spec, CancellationToken cancellationToken) => inner.CreateMarket(spec, cancellationToken);

        public Task<MarketSpec[]> ListMarkets(CancellationToken cancellationToken) => inner.ListMarkets(cancellationToken);

        public Task<MarketSpec?> GetMarket(string symbol, CancellationToken cancellationToken) => inner.GetMarket(symbol, cancellationToken);

        public Task Append(string market, JournalBatch batch, CancellationToken cancellationToken) => inner.Append(market, batch, cancellationToken);

        public Task<bool> ContainsBatch(string market, Guid batchId, CancellationToken cancellationToken) =>
            inner.ContainsBatch(market, batchId, cancellationToken);

        public IAsyncEnumerable<JournalBatch> ReadAfter(string market, long afterSequence, CancellationToken cancellationToken) =>
            inner.ReadAfter(market, afterSequence, cancellationToken);

        public Task SaveSnapshot(string market, StoredSnapshot snapshot, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<StoredSnapshot?> LatestSnapshot(string market, CancellationToken cancellationToken) => Task.FromResult<StoredSnapshot?>(null);


    }
}
