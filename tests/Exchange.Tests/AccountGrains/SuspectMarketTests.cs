using Exchange.Accounts;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// An order whose outcome is unknown may be live in its market: until the account has caught up with that market,
/// it takes no decision that adds risk or takes money out (a withdrawal, a new order), and it decides again as soon
/// as the market answers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SuspectMarketTests(PostgresFixture postgres)
{
    [Fact]
    public async Task While_an_orders_outcome_is_unknown_the_account_refuses_withdrawals_and_new_risk()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new SwitchableJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        await using var cluster = await ExchangeCluster.StartAsync(database, configure: s => s.AddSingleton<IMarketJournal>(journal));
        var symbol = MarketTestData.NewSymbol("SUS");
        await cluster.CreateMarket(symbol);
        var account = cluster.Client.GetGrain<IAccountGrain>(1);
        await account.Deposit(1_000 * Usd, "d-1");
        // Joined while everything is up, and nothing left open there: a withdrawal needs no mark from this market.
        Assert.True((await account.PlaceOrder(symbol, Limit(Side.Buy, 800, 1, "first"))).IsAccepted());
        await account.CancelOrder(symbol, new CancelOrder(0, 0, "first"));

        journal.Down = true; // the write fails and the market cannot learn whether it committed
        var unknown = await account.PlaceOrder(symbol, Limit(Side.Buy, 1_000, 1_000, "in-doubt"));
        Assert.Equal(CommandStatus.Unknown, unknown.Outcome!.Status);

        // The in-doubt order may be resting: the ledger cannot count it, so no money leaves.
        await Assert.ThrowsAsync<AccountUnavailableException>(() => account.Withdraw(10 * Usd, "w-1"));

        journal.Down = false; // the market answers again: the account catches up and decides
        var withdrawal = await Polling.Eventually(() => account.Withdraw(10 * Usd, "w-1"));
        Assert.Equal(AccountReject.None, withdrawal.Reject);
        Assert.Equal(990 * Usd, withdrawal.Collateral);
    }
}
