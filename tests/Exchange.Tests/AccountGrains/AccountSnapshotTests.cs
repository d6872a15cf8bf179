using Exchange.Accounts;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// When accounts write snapshots: a busy account after a number of events (so that reloading it replays few), a quiet
/// one only after the long interval; and a reloaded account is the one that was snapshotted plus what came after.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountSnapshotTests(PostgresFixture postgres)
{
    private const long Busy = 1, Quiet = 2, Counterparty = 3;

    [Fact]
    public async Task A_busy_account_snapshots_after_enough_events_and_a_quiet_one_waits_for_the_interval()
    {
        var (cluster, database) = await StartCluster(postgres, configure: services => services.Configure<AccountOptions>(o =>
        {
            o.SnapshotEveryEvents = 6;
            o.SnapshotInterval = TimeSpan.FromHours(1);
            o.SnapshotCheckInterval = TimeSpan.FromMilliseconds(100);
        }));
        await using var _ = cluster;
        var symbol = MarketTestData.NewSymbol("S");
        await cluster.CreateMarket(symbol);
        IAccountGrain Account(long id) => cluster.Client.GetGrain<IAccountGrain>(id);
        foreach (var id in new[] { Busy, Quiet, Counterparty }) await Account(id).Deposit(1_000_000 * Usd, $"d-{id}");

        // The quiet account: one resting order (one event). The busy one: four orders that each trade (two events each).
        Assert.True((await Account(Quiet).PlaceOrder(symbol, Limit(Side.Buy, 900, 1, "q"))).IsAccepted());
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await Account(Counterparty).PlaceOrder(symbol, Limit(Side.Sell, 1_000, 1, $"s{i}"))).IsAccepted());
            Assert.True((await Account(Busy).PlaceOrder(symbol, Limit(Side.Buy, 1_000, 1, $"b{i}"))).IsAccepted());
        }

        await Eventually(async () => Require(await SnapshotOf(database, Busy) is not null, "no snapshot of the busy account yet"),
            TimeSpan.FromSeconds(20));
        // Both had the same chances to be checked since; the quiet one, below the count and the interval, has none.
        Assert.Null(await SnapshotOf(database, Quiet));

        // Reloaded from its snapshot plus the market's events after it, the busy account is the account it was.
        var before = await Account(Busy).GetView();
        await cluster.Cluster.DeactivateAsync(Account(Busy));
        var after = await Account(Busy).GetView();
        Assert.Equal(before with { Positions = [] }, after with { Positions = [] });
        Assert.Equal(before.Positions, after.Positions);
        Assert.Equal(4, after.Positions.Single().Size);
    }

    private static async Task<string?> SnapshotOf(string database, long accountId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select payload::text from account_snapshots where account_id = $1", connection);
        command.Parameters.Add(new() { Value = accountId });
        return (string?)await command.ExecuteScalarAsync();
    }
}
