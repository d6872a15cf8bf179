using Exchange.Journal;
using Exchange.Markets;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.Gateway;

/// <summary>
/// When the cluster cannot apply or confirm a command: a definite failure is a 503 that says it was not applied
/// (JOURNAL_UNAVAILABLE when the market's journal refused it; safe to retry), an unconfirmed outcome is 503
/// OUTCOME_UNKNOWN, and asking again with the same client order id tells the truth.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayFailureTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_command_the_journal_refuses_is_a_definite_503_and_can_be_retried()
    {
        await using var gateway = await GatewayHarness.StartAsync(postgres);
        var symbol = await gateway.NewMarket();
        var trader = await gateway.NewTrader();
        await JournalFaults.InstallAppendFailureTrigger(gateway.Database);
        await JournalFaults.FailAppends(gateway.Database, symbol);

        var refused = await trader.Limit(symbol, "buy", "10", "0.001", "retry-me");
        Api.Problem(refused, 503, "JOURNAL_UNAVAILABLE");
        Assert.Equal("retry-me", refused.String("clientOrderId"));

        await JournalFaults.HealAppends(gateway.Database, symbol);
        var retried = await Eventually(async () =>
        {
            var answer = await trader.Limit(symbol, "buy", "10", "0.001", "retry-me");
            return answer.Status == 201 ? answer : throw new InvalidOperationException(answer.ToString());
        });
        Assert.Equal("new", retried.String("status"));
    }

    [Fact]
    public async Task An_order_whose_reply_died_with_its_silo_is_settled_by_its_client_order_id()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var journal = new ReplyWithholdingJournal(new PostgresMarketJournal(NpgsqlDataSource.Create(database)));
        await using var gateway = await GatewayHarness.StartAsync(postgres, silos: 2, database: database,
            siloServices: services => services.AddSingleton<IMarketJournal>(journal));
        var symbol = await gateway.NewMarket();
        var maker = await gateway.NewTrader();
        var taker = await gateway.NewTrader();
        Assert.Equal(201, (await maker.Limit(symbol, "sell", "100", "0.003")).Status);
        var host = await gateway.Cluster.SiloHosting(gateway.Cluster.Market(symbol));

        journal.Market = symbol;
        var lost = taker.Limit(symbol, "buy", "100", "0.001", "lost-reply");
        await journal.Committed.Task.WaitAsync(Deadline);
        journal.Market = null;
        await gateway.Cluster.Cluster.KillSiloAsync(host);

        // The order carries a client order id, so the gateway repeats the call the dead silo's cluster refused, and the
        // repeat is answered with the order that committed. Had the repeats run out first, the answer would have been
        // OUTCOME_UNKNOWN: never a refusal, and never a second order.
        var first = await lost.WaitAsync(Deadline);
        if (first.Status != 200)
        {
            Api.Problem(first, 503, "OUTCOME_UNKNOWN");
            Assert.Equal("lost-reply", first.String("clientOrderId"));
        }

        // Asking by client order id, or placing the same order again, finds the order that did commit: never a second one.
        var found = await Eventually(async () =>
        {
            var answer = await taker.Get($"/api/v1/orders/by-client-id/lost-reply?symbol={symbol}");
            return answer.Status == 200 ? answer : throw new InvalidOperationException(answer.ToString());
        });
        Assert.Equal(("filled", "0.001"), (found.String("status"), found.String("filledSize")));
        if (first.Status == 200) Assert.Equal(found.Long("orderId"), first.Long("orderId"));
        var repeated = await Eventually(async () =>
        {
            var answer = await taker.Limit(symbol, "buy", "100", "0.001", "lost-reply");
            return answer.Status == 200 ? answer : throw new InvalidOperationException(answer.ToString());
        });
        Assert.Equal(found.Long("orderId"), repeated.Long("orderId"));
        Assert.Equal("""[["100","0.002"]]""", (await Api.Send(gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/book")).Node("asks").ToJsonString());
    }

}
