using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// The withdrawal rules end to end, through the account grain with marks from the market grain: unrealised
/// profit stays in the account, unrealised loss is counted, what stays must cover initial margin, and a transfer
/// id withdraws at most once however often (and however concurrently) it is sent.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountWithdrawalTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "W")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const long Long = 1, Short = 2;

    /// <summary>
    /// Account 1 (1,000 USD) buys 1,000 lots at 1,000 ticks (500 USD of notional) from account 2, taking: it pays
    /// a 0.25 USD fee and keeps 999.75 USD of collateral.
    /// </summary>
    private async Task OpenLongAtThousand()
    {
        await Account(Long).Deposit(1_000 * Usd, "d-long");
        await Account(Short).Deposit(1_000_000 * Usd, "d-short");
        Assert.True((await Account(Short).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        var buy = await Account(Long).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "lift"));
        Assert.Contains(buy.Outcome!.Events, e => e.Kind == EventKind.TradeExecuted && e.Size == 1_000);
        Assert.Equal(999_750_000, (await Account(Long).GetView()).Collateral);
    }

    [Fact]
    public async Task Unrealised_profit_cannot_be_withdrawn()
    {
        await OpenLongAtThousand();
        await Market.SetMarkPrice(2_000); // the long is up 500 USD at this mark

        var view = await Account(Long).GetView();
        Assert.Equal((2_000L, 500 * Usd), (view.Positions.Single().MarkPrice, view.Positions.Single().UnrealisedPnl));
        Assert.Equal(1_499_750_000, view.Equity);
        Assert.Equal(100 * Usd, view.InitialMargin); // 10% of 1,000 USD of notional at the mark

        // Withdrawable: collateral 999.75 (not the 1,499.75 equity) less the 100 USD that must stay.
        var withdrawable = 899_750_000L;
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(Long).Withdraw(withdrawable + 1, "too-much")).Reject);
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(Long).Withdraw(1_000 * Usd, "profit")).Reject);
        var ok = await Account(Long).Withdraw(withdrawable, "all-but-margin");
        Assert.Equal((AccountReject.None, false, 100 * Usd), (ok.Reject, ok.Duplicate, ok.Collateral));
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(Long).Withdraw(1, "one-more")).Reject);

        // The profit is still there, counted in equity, but only realising it makes it withdrawable.
        Assert.Equal(600 * Usd, (await Account(Long).GetView()).Equity);
        await AssertAuditBalanced();
    }

    [Fact]
    public async Task Unrealised_loss_reduces_what_can_be_withdrawn()
    {
        await OpenLongAtThousand();
        await Market.SetMarkPrice(800); // the long is down 100 USD at this mark

        var view = await Account(Long).GetView();
        Assert.Equal(-100 * Usd, view.Positions.Single().UnrealisedPnl);
        Assert.Equal(899_750_000, view.Equity);
        Assert.Equal(40 * Usd, view.InitialMargin); // 10% of 400 USD of notional at the mark

        // Withdrawable: equity 899.75 (below the collateral) less 40 USD of margin.
        var withdrawable = 859_750_000L;
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(Long).Withdraw(withdrawable + 1, "too-much")).Reject);
        var ok = await Account(Long).Withdraw(withdrawable, "all-but-margin");
        Assert.Equal(AccountReject.None, ok.Reject);
        Assert.Equal(140 * Usd, ok.Collateral);
        var after = await Account(Long).GetView();
        Assert.Equal((40 * Usd, 40 * Usd, 0L), (after.Equity, after.InitialMargin, after.Available));
        await AssertAuditBalanced();
    }

    [Fact]
    public async Task A_withdrawal_leaving_less_than_initial_margin_is_refused()
    {
        await Account(3).Deposit(100 * Usd, "d3");
        // A resting buy of 1,200 lots at 1,000: 600 USD of notional, 60 USD of initial margin.
        Assert.True((await Account(3).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_200, "bid"))).IsAccepted());

        var refused = await Account(3).Withdraw(40 * Usd + 1, "w-over");
        Assert.Equal((AccountReject.InsufficientFunds, 100 * Usd), (refused.Reject, refused.Collateral));
        var ok = await Account(3).Withdraw(40 * Usd, "w-exact");
        Assert.Equal((AccountReject.None, 60 * Usd), (ok.Reject, ok.Collateral));
        Assert.Equal(AccountReject.InsufficientFunds, (await Account(3).Withdraw(1, "w-one")).Reject);

        // Cancelling the order frees its margin; everything can then leave.
        Assert.Equal(CommandStatus.Committed, (await Account(3).CancelAll(Symbol)).Outcome!.Status);
        Assert.Equal(AccountReject.None, (await Account(3).Withdraw(60 * Usd, "w-rest")).Reject);
        var view = await Account(3).GetView();
        Assert.Equal((0L, 0L), (view.Collateral, view.InitialMargin));
        Assert.Equal(40 * Usd + 60 * Usd, await Sql.ScalarAsync<long>(Database,
            "select sum(amount)::bigint from account_transfers where account_id = 3 and kind = 2"));
    }

    [Fact]
    public async Task A_withdrawal_is_idempotent_by_transfer_id()
    {
        await Account(4).Deposit(100 * Usd, "d4");
        var first = await Account(4).Withdraw(10 * Usd, "w-1");
        var again = await Account(4).Withdraw(10 * Usd, "w-1");
        Assert.Equal((AccountReject.None, false, 90 * Usd), (first.Reject, first.Duplicate, first.Collateral));
        Assert.Equal((AccountReject.None, true, 90 * Usd), (again.Reject, again.Duplicate, again.Collateral));
        Assert.Equal(AccountReject.TransferIdConflict, (await Account(4).Withdraw(11 * Usd, "w-1")).Reject);
        Assert.Equal(AccountReject.TransferIdConflict, (await Account(4).Deposit(10 * Usd, "w-1")).Reject);
        Assert.Equal(AccountReject.TransferIdConflict, (await Account(4).Withdraw(10 * Usd, "d4")).Reject);

        // Still once after the account is reloaded from the store on another activation.
        await Cluster.Cluster.DeactivateAsync(Account(4));
        var afterReload = await Account(4).Withdraw(10 * Usd, "w-1");
        Assert.Equal((AccountReject.None, true, 90 * Usd), (afterReload.Reject, afterReload.Duplicate, afterReload.Collateral));
        Assert.Equal(90 * Usd, (await Account(4).GetView()).Collateral);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(Database,
            "select count(*) from account_transfers where account_id = 4 and kind = 2"));
    }

    [Fact]
    public async Task A_withdrawal_retried_concurrently_with_its_original_is_applied_once_and_answered_as_a_duplicate()
    {
        await Account(5).Deposit(300 * Usd, "d5");

        // A client that timed out and retried: the same transfer id and amount, sent again while the first is in
        // flight. Twenty such withdrawals, each sent eight times at once.
        var rounds = await Task.WhenAll(Enumerable.Range(0, 20).Select(round =>
                Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Account(5).Withdraw(10 * Usd, $"w-retry-{round}")))))
            .WaitAsync(Deadline);

        // The money is consistent whatever the answers: memory and the transfer ledger agree.
        var withdrawn = await Sql.ScalarAsync<long>(Database,
            "select coalesce(sum(amount), 0)::bigint from account_transfers where account_id = 5 and kind = 2");
        Assert.Equal(300 * Usd - withdrawn, (await Account(5).GetView()).Collateral);

        // Each withdrawal was applied exactly once, and every send of it was answered as applied (once) or as a
        // duplicate: the same id with the same amount is the same request, never a conflict, and 200 USD of distinct
        // withdrawals from 300 USD are never short of funds.
        var answers = string.Join(", ", rounds.SelectMany(r => r).GroupBy(r => (r.Reject, r.Duplicate))
            .Select(g => $"{g.Key.Reject}{(g.Key.Duplicate ? " (duplicate)" : "")}: {g.Count()}"));
        var neverApplied = rounds.Count(results => !results.Any(r => r is { Reject: AccountReject.None, Duplicate: false }));
        Assert.True(withdrawn == 200 * Usd && neverApplied == 0 && rounds.All(results => results.All(r => r.Reject == AccountReject.None)),
            $"{withdrawn / Usd} USD withdrawn of 200; {neverApplied} of 20 withdrawals never applied; answers to the 160 sends: {answers}");
    }

    private async Task AssertAuditBalanced()
    {
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run().WaitAsync(Deadline);
        Assert.True(audit.Balanced, audit.Describe());
    }
}
