using System.Diagnostics;
using Exchange.Accounts;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using Xunit.Abstractions;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Exactly once under failure, on a three-silo cluster over real PostgreSQL: silos die under continuous order
/// flow (the one hosting the market, or one hosting busy accounts) and are replaced. Calls that fail meanwhile are
/// fine; afterwards every acknowledged order is in the market, no money was made or lost, every market nets to
/// zero, and every account holds exactly the position its fills in the market's journal add up to.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountFailureTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(20);
    private static readonly long[] Accounts = [.. Enumerable.Range(1, 16).Select(i => (long)i)];
    private const long Funding = 1_000_000 * Usd;

    [Fact]
    public async Task Killing_the_market_s_silo_under_load_settles_every_fill_exactly_once() =>
        await RunWithKills(seed: 1, kills: 3, MarketSilo, "the market's");

    /// <summary>
    /// The same with snapshots every 100 events and only 100 recent events kept: a recovered market does not
    /// know every account's previous event (it says -1), and catching up reads the journal, not memory.
    /// </summary>
    [Fact]
    public async Task Killing_the_market_s_silo_under_load_settles_every_fill_exactly_once_with_snapshots_and_a_short_memory() =>
        await RunWithKills(seed: 3, kills: 3, MarketSilo, "the market's", options =>
        {
            options.SnapshotEveryEvents = 100;
            options.RecentEvents = 100;
        });

    [Fact]
    public async Task Killing_the_silo_of_busy_accounts_under_load_settles_every_fill_exactly_once() =>
        await RunWithKills(seed: 2, kills: 2, BusiestAccountSilo, "busy accounts'");

    /// <summary>The silo hosting the market.</summary>
    private static async Task<InProcessSiloHandle> MarketSilo(ExchangeCluster cluster, IMarketGrain market) =>
        await Eventually(() => cluster.SiloHosting(market), Phase);

    /// <summary>The silo with the most accounts, other than the market's: the accounts die, the market does not.</summary>
    private static async Task<InProcessSiloHandle> BusiestAccountSilo(ExchangeCluster cluster, IMarketGrain market)
    {
        var marketHost = await Eventually(() => cluster.SiloHosting(market), Phase);
        var hosts = new List<InProcessSiloHandle>();
        foreach (var id in Accounts)
            hosts.Add(await Eventually(() => cluster.SiloHosting(cluster.Client.GetGrain<IAccountGrain>(id)), Phase));
        return hosts.Where(h => !h.SiloAddress.Equals(marketHost.SiloAddress))
            .GroupBy(h => h.SiloAddress).OrderByDescending(g => g.Count()).First().First();
    }

    /// <summary>
    /// Funds the accounts, starts the flow, and <paramref name="kills"/> times kills the silo <paramref name="victim"/>
    /// picks and starts a replacement, each time waiting for 100 more acknowledged orders; then stops the flow and
    /// checks that everything acknowledged was settled exactly once.
    /// </summary>
    private async Task RunWithKills(int seed, int kills, Func<ExchangeCluster, IMarketGrain, Task<InProcessSiloHandle>> victim,
        string whose, Action<MarketOptions>? options = null)
    {
        var clock = Stopwatch.StartNew();
        var (cluster, database) = await StartCluster(postgres, silos: 3, marketOptions: options);
        await using var _ = cluster;
        var symbol = MarketTestData.NewSymbol("F");
        var market = await cluster.CreateMarket(symbol);
        Assert.All(await Task.WhenAll(Accounts.Select(id => cluster.Client.GetGrain<IAccountGrain>(id).Deposit(Funding, $"fund-{id}"))),
            funded => Assert.Equal(AccountReject.None, funded.Reject));

        var load = new TradingLoad(cluster.Client, symbol, Accounts, seed);
        load.Start(loops: 6);
        await load.WaitForAcknowledgements(150, Phase);
        for (var kill = 0; kill < kills; kill++)
        {
            var silo = await victim(cluster, market);
            var accountsThere = 0;
            foreach (var id in Accounts)
                if ((await Eventually(() => cluster.SiloHosting(cluster.Client.GetGrain<IAccountGrain>(id)), Phase)).SiloAddress.Equals(silo.SiloAddress))
                    accountsThere++;
            await cluster.Cluster.KillSiloAsync(silo);
            await cluster.Cluster.StartAdditionalSiloAsync();
            output.WriteLine($"{clock.Elapsed}: killed {silo.Name} ({whose}, {accountsThere} accounts), started a replacement; {load.Summary}");
            await load.WaitForAcknowledgements(load.AcknowledgedCount + 100, Phase);
        }
        await load.StopAsync(Phase);
        output.WriteLine($"{clock.Elapsed}: flow stopped; {load.Summary}");

        await VerifyExactlyOnce(cluster, database, symbol, load);
        output.WriteLine($"{clock.Elapsed}: verified");
    }

    /// <summary>
    /// The market commits a taker's fill, and its silo dies before the answer or the one-way send leaves it: the
    /// account's call fails. The fill is durable, so the account must come to know it (its view shows the position)
    /// and must count it before it lets the account take on more.
    /// </summary>
    [Fact]
    public async Task A_fill_whose_answer_died_with_the_market_s_silo_still_reaches_the_account()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var source = NpgsqlDataSource.Create(database);
        var journal = new ReplyWithholdingJournal(new PostgresMarketJournal(source));
        await using var cluster = await ExchangeCluster.StartAsync(database, silos: 3,
            configure: services => services.AddSingleton<IMarketJournal>(journal));
        var symbol = MarketTestData.NewSymbol("L");
        var market = await cluster.CreateMarket(symbol);
        await market.GetStatus(); // activates it
        var marketHost = await Eventually(() => cluster.SiloHosting(market), Phase);

        // A taker account and a maker account that live on other silos than the market.
        var (taker, maker) = (await AccountAwayFrom(cluster, marketHost, 100), await AccountAwayFrom(cluster, marketHost, 200));
        await cluster.Client.GetGrain<IAccountGrain>(maker).Deposit(1_000_000 * Usd, "d-maker");
        await cluster.Client.GetGrain<IAccountGrain>(taker).Deposit(60 * Usd, "d-taker");
        var takerGrain = cluster.Client.GetGrain<IAccountGrain>(taker);
        Assert.True((await cluster.Client.GetGrain<IAccountGrain>(maker).PlaceOrder(symbol, Limit(Side.Sell, 1_000, 2_000, "ask"))).IsAccepted());

        // 1,000 lots at 1,000 need 50 of the taker's 60 USD. The fill commits; then the market's silo dies.
        journal.Market = symbol;
        var call = takerGrain.PlaceOrder(symbol, Limit(Side.Buy, 1_000, 1_000, "lost"));
        await journal.Committed.Task.WaitAsync(Phase);
        journal.Market = null;
        await cluster.Cluster.KillSiloAsync(marketHost);
        try { await call.WaitAsync(TimeSpan.FromSeconds(40)); }
        catch (Exception) { /* expected: the answer died with the silo */ }
        Assert.True(call.IsFaulted, $"the taker's call should have failed with the market's silo; it is {call.Status}");
        Assert.Equal(1_000, (await PositionsFromJournal(database, symbol)).GetValueOrDefault(taker));

        // The account learns of its fill (a reconcile runs every 5 s; 15 s is plenty)...
        string? stale = null;
        try
        {
            await Eventually(async () =>
            {
                var position = (await takerGrain.GetView()).PositionIn(symbol);
                Require(position == 1_000, $"the taker's view shows a position of {position}, its journal 1,000 lots");
            }, TimeSpan.FromSeconds(15));
        }
        catch (RequirementNotMetException ex)
        {
            stale = ex.Message;
        }

        // ...and in any case may not buy another 1,000 lots: with the position it needs 100 USD and has 59.75.
        var second = await takerGrain.PlaceOrder(symbol, Limit(Side.Buy, 1_000, 1_000, "second"));
        var view = await takerGrain.GetView();
        Assert.True(stale is null && second.Reject == AccountReject.InsufficientMargin,
            $"{stale ?? "the view caught up"}; a second 1,000-lot buy was answered {second.Reject}/{second.Outcome?.Status}; " +
            $"the account now holds {view.PositionIn(symbol)} lots with equity {view.Equity} against initial margin {view.InitialMargin}");
    }

    private static async Task<long> AccountAwayFrom(ExchangeCluster cluster, InProcessSiloHandle silo, long firstId)
    {
        for (var id = firstId; id < firstId + 100; id++)
        {
            var account = cluster.Client.GetGrain<IAccountGrain>(id);
            await account.GetView(); // activates it
            var host = await Eventually(() => cluster.SiloHosting(account), Phase);
            if (!host.SiloAddress.Equals(silo.SiloAddress)) return id;
        }
        throw new InvalidOperationException("every account landed on the market's silo");
    }

    private async Task VerifyExactlyOnce(ExchangeCluster cluster, string database, string symbol, TradingLoad load)
    {
        var market = cluster.Market(symbol);
        var acknowledged = load.Acknowledged.Keys.ToArray();

        // Every acknowledged order is known to the market (the lookup waits out any recovery)...
        var lookups = new List<(long Account, string ClientOrderId, OrderState State)>();
        foreach (var chunk in acknowledged.Chunk(64))
            lookups.AddRange(await Eventually(() => Task.WhenAll(chunk.Select(async a =>
                (a.Account, a.ClientOrderId, (await market.GetOrderByClientId(a.Account, a.ClientOrderId)).State))), Phase));
        var lost = lookups.Where(l => l.State is not (OrderState.Open or OrderState.Closed)).ToArray();
        Assert.True(lost.Length == 0, $"{lost.Length} acknowledged orders are unknown to the market: " +
            string.Join(", ", lost.Take(10).Select(l => $"{l.Account}/{l.ClientOrderId}")));

        // ...and accepted exactly once in its journal.
        var accepted = new Dictionary<(long, string), int>();
        await using (var source = NpgsqlDataSource.Create(database))
        {
            await foreach (var batch in new PostgresMarketJournal(source).ReadAfter(symbol, 0, CancellationToken.None))
                foreach (var e in batch.Entries.SelectMany(entry => entry.Events).Where(e => e.Kind == EventKind.OrderAccepted && e.ClientOrderId is not null))
                    accepted[(e.AccountId, e.ClientOrderId!)] = accepted.GetValueOrDefault((e.AccountId, e.ClientOrderId!)) + 1;
        }
        Assert.All(acknowledged, a => Assert.Equal(1, accepted.GetValueOrDefault(a)));
        Assert.All(accepted, a => Assert.Equal(1, a.Value));
        output.WriteLine($"{acknowledged.Length} acknowledged orders, {accepted.Count} accepted in the journal");

        // No money made or lost, and the market nets to zero (the audit catches every account up first).
        var audit = await Eventually(async () =>
        {
            var report = await cluster.Client.GetGrain<IAuditGrain>(0).Run();
            Require(report.Balanced, report.Describe());
            return report;
        }, Phase);
        Assert.True(audit.Fees > 0, audit.Describe());

        // Every acknowledged transfer is in the transfer ledger, once, as acknowledged.
        var stored = new Dictionary<(long, string), long>();
        await using (var source = NpgsqlDataSource.Create(database))
        await using (var command = source.CreateCommand("select account_id, transfer_id, case kind when 1 then amount else -amount end from account_transfers"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add((reader.GetInt64(0), reader.GetString(1)), reader.GetInt64(2));
        Assert.All(load.Transfers, t => Assert.Equal(t.Value, stored.GetValueOrDefault(t.Key)));
        Assert.Equal(audit.NetDeposits, stored.Values.Sum());

        // Each account's position is exactly the sum of its fills in the journal (read again if a late call landed).
        var fromJournal = await Eventually(async () =>
        {
            var positions = await PositionsFromJournal(database, symbol);
            var mismatches = new List<string>();
            foreach (var id in Accounts)
            {
                var view = await cluster.Client.GetGrain<IAccountGrain>(id).GetView();
                if (view.PositionIn(symbol) != positions.GetValueOrDefault(id))
                    mismatches.Add($"account {id}: view {view.PositionIn(symbol)}, journal {positions.GetValueOrDefault(id)}");
            }
            Require(mismatches.Count == 0, string.Join("; ", mismatches));
            return positions;
        }, Phase);
        Assert.Equal(0, fromJournal.Values.Sum());
        Assert.True(fromJournal.Count(p => p.Value != 0) > 1, "nothing traded");
    }
}
