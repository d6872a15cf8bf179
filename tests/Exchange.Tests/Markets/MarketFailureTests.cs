using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Exchange.Tests.Markets.MarketTestData;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.Markets;

/// <summary>
/// What an acknowledgement is worth when the journal fails: appends refused, a database that stalls or stops,
/// a reply lost after the commit, and a second writer. In every case nothing unacknowledged survives in memory,
/// nothing acknowledged is lost, and asking by client order id tells the truth.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketFailureTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_refused_append_fails_definitely_leaves_no_phantom_and_the_market_recovers()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await JournalFaults.InstallAppendFailureTrigger(database);
        await using var cluster = await ExchangeCluster.StartAsync(database);
        var symbol = NewSymbol();
        var market = await cluster.CreateMarket(symbol);
        await market.Execute(Limit(1, Side.Buy, 900, 5, "kept"));
        var before = await market.GetStatus();

        await JournalFaults.FailAppends(database, symbol);
        var failed = await market.Execute(Limit(2, Side.Sell, 900, 5, "phantom"));

        Assert.Equal(CommandStatus.Failed, failed.Status);
        Assert.Empty(failed.Events);
        Assert.Equal(before, await market.GetStatus()); // the match against "kept" was undone by reloading
        Assert.Equal(OrderState.Unknown, (await market.GetOrderByClientId(2, "phantom")).State);

        await JournalFaults.HealAppends(database, symbol);
        var after = await market.Execute(Limit(2, Side.Sell, 900, 2, "after"));
        Assert.Equal(CommandStatus.Committed, after.Status);
        Assert.Contains(after.Events, e => e.Kind == EventKind.TradeExecuted && e.Size == 2);
        Assert.Equal(OrderState.Unknown, (await market.GetOrderByClientId(2, "phantom")).State);
    }

    [Fact]
    public async Task A_stalled_journal_for_one_market_does_not_slow_another()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var cluster = await ExchangeCluster.StartAsync(database, options: o =>
        {
            o.AppendTimeout = TimeSpan.FromSeconds(1);
            o.RecoveryTimeout = TimeSpan.FromSeconds(1);
        });
        var (stalledSymbol, healthySymbol) = (NewSymbol("S"), NewSymbol("H"));
        var stalled = await cluster.CreateMarket(stalledSymbol);
        var healthy = await cluster.CreateMarket(healthySymbol);
        await stalled.Execute(Limit(1, Side.Buy, 900, 1));
        var before = await stalled.GetStatus();

        // Another session holds the stalled market's head row, as a stuck writer would.
        await using var blocker = new NpgsqlConnection(database);
        await blocker.OpenAsync();
        var hold = await blocker.BeginTransactionAsync();
        await using (var lockHead = new NpgsqlCommand($"select 1 from market_heads where market = '{stalledSymbol}' for update", blocker, hold))
            await lockHead.ExecuteNonQueryAsync();

        var stalledOutcome = stalled.Execute(Limit(1, Side.Buy, 901, 1, "stalled"));
        for (var i = 0; i < 50; i++)
            Assert.Equal(CommandStatus.Committed, (await healthy.Execute(Limit(1 + i % 2, Side.Buy, 800 + i, 1))).Status);
        Assert.False(stalledOutcome.IsCompleted, "the healthy market finished 50 commands while the stalled one still waits");

        // The stalled write was cancelled at its deadline and the truth could not be checked in time.
        Assert.Equal(CommandStatus.Unknown, (await stalledOutcome.WaitAsync(Deadline)).Status);
        await hold.RollbackAsync();

        // Once the database answers again, the market reloads and tells the truth, which is the journal's. The write
        // was cancelled at its deadline, and a cancellation is a request to the server: usually the statement dies
        // waiting for the lock, but on a loaded machine it may outlive it and commit once the lock is released
        // (which is why the answer was Unknown, not Failed). Either way the market must say what the journal holds.
        var lookup = await Eventually(() => stalled.GetOrderByClientId(1, "stalled"));
        var journalEnd = await Sql.ScalarAsync<long>(database, $"select last_sequence from market_heads where market = '{stalledSymbol}'");
        if (journalEnd == before.Sequence) Assert.Equal(OrderState.Unknown, lookup.State);
        else Assert.NotEqual(OrderState.Unknown, lookup.State);
        Assert.Equal(CommandStatus.Committed, (await stalled.Execute(Limit(1, Side.Buy, 902, 1))).Status);
    }

    [Fact]
    public async Task Stopping_the_database_mid_test_gives_no_acknowledgement_and_service_returns_with_it()
    {
        var binaries = PostgresBinaries.FindDirectory()
            ?? throw new InvalidOperationException(PostgresBinaries.MissingMessage(PostgresFixture.EnvironmentVariable));
        using var startup = new CancellationTokenSource(Deadline);
        // Durable: an immediate stop must not lose what was committed, or the test would prove nothing.
        await using var server = await LocalPostgresServer.StartAsync(binaries, startup.Token, durable: true);
        await new MigrationRunner(server.ConnectionString).ApplyAsync(startup.Token);
        await using var cluster = await ExchangeCluster.StartAsync(server.ConnectionString, options: o =>
        {
            o.AppendTimeout = TimeSpan.FromSeconds(2);
            o.RecoveryTimeout = TimeSpan.FromSeconds(2);
        });
        var market = await cluster.CreateMarket(NewSymbol());
        await market.Execute(Limit(1, Side.Buy, 900, 1, "before"));
        var before = await market.GetStatus();

        await server.StopAsync();
        var duringOutage = await ExecuteOrNull(market, Limit(1, Side.Buy, 901, 1, "during"));
        Assert.NotEqual(CommandStatus.Committed, duringOutage?.Status);

        await server.StartAgainAsync(startup.Token);
        var after = await Eventually(async () =>
        {
            var outcome = await market.Execute(Limit(1, Side.Buy, 902, 1, "after"));
            return outcome.Status == CommandStatus.Committed ? outcome : throw new InvalidOperationException(outcome.Error);
        });
        Assert.Equal(before.Sequence + 1, after.Events[0].Sequence);
        Assert.Equal(OrderState.Unknown, (await market.GetOrderByClientId(1, "during")).State);
        Assert.Equal(OrderState.Open, (await market.GetOrderByClientId(1, "before")).State);
    }

    [Fact]
    public async Task A_reply_lost_after_commit_leaves_the_truth_one_question_away()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReplyWithholdingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        // The call whose silo is killed is not rejected, only timed out: 8 s rather than the default 30 keeps the test short.
        await using var cluster = await ExchangeCluster.StartAsync(database,
            configure: services => services.AddSingleton<IMarketJournal>(journal), responseTimeout: TimeSpan.FromSeconds(8));
        var symbol = NewSymbol();
        var market = await cluster.CreateMarket(symbol);
        await market.Execute(Limit(1, Side.Sell, 1000, 3));
        var host = await cluster.SiloHosting(market);

        journal.Market = symbol;
        var call = market.Execute(Limit(2, Side.Buy, 1000, 1, "lost-reply"));
        await journal.Committed.Task.WaitAsync(Deadline);
        journal.Market = null;
        await cluster.Cluster.KillSiloAsync(host);

        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(Deadline));
        var lookup = await Eventually(() => market.GetOrderByClientId(2, "lost-reply"));
        Assert.Equal(OrderState.Closed, lookup.State); // it was accepted and filled: the commit happened
        Assert.Equal([new PriceLevel(1000, 2, 1)], (await market.GetBook(5)).Asks);
    }

    [Fact]
    public async Task A_batch_found_committed_after_a_lost_reply_is_recorded_once()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReplyLosingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        await using var cluster = await ExchangeCluster.StartAsync(database,
            configure: services => services.AddSingleton<IMarketJournal>(journal));
        var symbol = NewSymbol();
        var market = await cluster.CreateMarket(symbol);
        await market.Execute(Limit(1, Side.Sell, 1000, 3));

        journal.Market = symbol;
        var taken = await market.Execute(Limit(2, Side.Buy, 1000, 1, "lost-reply"));
        Assert.Equal(CommandStatus.Committed, taken.Status); // recovery found it in the journal

        // The reload put the batch in memory; announcing it must not record it again.
        var trades = await market.GetRecentTrades(10);
        Assert.Single(trades);
        var history = await market.GetAccountHistory(2);
        Assert.Equal(history.Events.Length, history.Events.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal(2, history.Events.Length); // accepted, traded
    }

    [Fact]
    public async Task A_second_writer_cannot_fork_the_history()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var cluster = await ExchangeCluster.StartAsync(database);
        var symbol = NewSymbol();
        var market = await cluster.CreateMarket(symbol);
        await market.Execute(Limit(1, Side.Buy, 900, 1));

        // Another activation (here: the journal driven directly) appends behind this one's back.
        var journal = new PostgresMarketJournal(NpgsqlDataSource.Create(database));
        var foreign = (await MarketRecovery.Load(journal, Spec(symbol), CancellationToken.None)).Book;
        var events = new EventBuffer();
        var command = Limit(7, Side.Sell, 1100, 4, "foreign");
        MarketCommandRunner.Run(foreign, command, timestamp: 1, events);
        var firstSequence = events[0].Sequence;
        await journal.Append(symbol, new JournalBatch(Guid.NewGuid(), firstSequence, foreign.Sequence,
            [new JournalEntry(command, 1, events.ToArray())]), CancellationToken.None);

        var stale = await market.Execute(Limit(2, Side.Buy, 901, 1, "stale"));
        Assert.Equal(CommandStatus.Failed, stale.Status);

        var next = await Eventually(async () =>
        {
            var outcome = await market.Execute(Limit(2, Side.Buy, 902, 1, "next"));
            return outcome.Status == CommandStatus.Committed ? outcome : throw new InvalidOperationException(outcome.Error);
        });
        Assert.Equal(foreign.Sequence + 1, next.Events[0].Sequence);
        Assert.Equal(OrderState.Open, (await market.GetOrderByClientId(7, "foreign")).State);
        Assert.Equal(OrderState.Unknown, (await market.GetOrderByClientId(2, "stale")).State);
        var ranges = await Sql.ScalarAsync<string>(database,
            $"select string_agg(first_sequence || '-' || last_sequence, ',' order by first_sequence) from market_journal where market = '{symbol}'");
        Assert.Equal(ContiguousRanges(ranges), next.Events[^1].Sequence);
    }

    /// <summary>Checks that "1-2,3-3,4-6" chains without gaps or overlaps from 1, and returns the last sequence.</summary>
    private static long ContiguousRanges(string ranges)
    {
        long last = 0;
        foreach (var range in ranges.Split(','))
        {
            var bounds = range.Split('-').Select(long.Parse).ToArray();
            Assert.Equal(last + 1, bounds[0]);
            last = bounds[1];
        }
        return last;
    }

    private static async Task<CommandOutcome?> ExecuteOrNull(IMarketGrain market, MarketCommand command)
    {
        try { return await market.Execute(command).WaitAsync(Deadline); }
        catch (Exception ex) when (ex is not TimeoutException) { return null; }
    }

}
