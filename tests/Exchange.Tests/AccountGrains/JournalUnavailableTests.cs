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
/// Once a market knows its journal cannot be reached, a command that arrives was certainly not applied, and says so:
/// Failed with <see cref="CommandOutcome.JournalUnavailable"/>, or an <see cref="UnavailableException"/> thrown before
/// anything was sent. Unknown is left to the one command that was in flight when the journal went away.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JournalUnavailableTests(PostgresFixture postgres)
{
    [Fact]
    public async Task While_the_journal_is_down_only_the_command_in_flight_is_unknown()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new SwitchableJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        await using var cluster = await ExchangeCluster.StartAsync(database, configure: s => s.AddSingleton<IMarketJournal>(journal));
        var symbol = MarketTestData.NewSymbol("JUN");
        await cluster.CreateMarket(symbol);
        var (inDoubt, bystander) = (cluster.Client.GetGrain<IAccountGrain>(1), cluster.Client.GetGrain<IAccountGrain>(2));
        await inDoubt.Deposit(1_000 * Usd, "d-1");
        await bystander.Deposit(1_000 * Usd, "d-2");
        Assert.True((await bystander.PlaceOrder(symbol, Limit(Side.Sell, 1_200, 1, "b-0"))).IsAccepted());

        journal.Down = true;
        var unknown = await inDoubt.PlaceOrder(symbol, Limit(Side.Buy, 1_000, 1, "in-doubt"));
        Assert.Equal(CommandStatus.Unknown, unknown.Outcome!.Status);

        // Every later command is refused definitely, straight at the market and through either account.
        var market = cluster.Client.GetGrain<IMarketGrain>(symbol);
        for (var i = 0; i < 5; i++)
        {
            var refused = await market.Execute(new PlaceCommand(Limit(Side.Buy, 900, 1, $"direct-{i}") with { AccountId = 3 }));
            Assert.Equal((CommandStatus.Failed, true), (refused.Status, refused.JournalUnavailable));
            await AssertDefinite(() => bystander.PlaceOrder(symbol, Limit(Side.Buy, 900, 1, $"b-{i}")));
            // The account with an order in doubt takes no new risk until it has caught up with the market.
            await AssertDefinite(() => inDoubt.PlaceOrder(symbol, Limit(Side.Buy, 900, 1, $"a-{i}")));
        }

        journal.Down = false;
        // The account whose commands were only refused is not held back by them; the one in doubt catches up and trades.
        await Polling.Eventually(() => Accepted(bystander.PlaceOrder(symbol, Limit(Side.Buy, 900, 1, "b-after"))));
        await Polling.Eventually(() => Accepted(inDoubt.PlaceOrder(symbol, Limit(Side.Buy, 900, 1, "a-after"))));
        // The order in doubt is settled by its client order id: the write failed before reaching the database.
        Assert.Equal(OrderState.Unknown, (await market.GetOrderByClientId(1, "in-doubt")).State);
        Assert.Equal(OrderState.Open, (await market.GetOrderByClientId(2, "b-0")).State);
    }

    private static async Task Accepted(Task<AccountOrderResult> placing)
    {
        var result = await placing;
        if (!result.IsAccepted()) throw new InvalidOperationException($"not accepted: {result.Reject} {result.Outcome?.Status} {result.Outcome?.Error}");
    }

    /// <summary>Refused, and certainly not applied: a Failed outcome for want of the journal, or an UnavailableException.</summary>
    private static async Task AssertDefinite(Func<Task<AccountOrderResult>> command)
    {
        try
        {
            var result = await command();
            Assert.NotNull(result.Outcome);
            Assert.Equal((CommandStatus.Failed, true), (result.Outcome!.Status, result.Outcome.JournalUnavailable));
        }
        catch (UnavailableException)
        {
            // Thrown by the account before it sent anything (see IAccountGrain).
        }
    }
}
