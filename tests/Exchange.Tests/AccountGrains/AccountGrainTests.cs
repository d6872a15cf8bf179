using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.AccountGrains;

/// <summary>Orders through accounts, on a two-silo cluster over real PostgreSQL: settlement, transfers, the audit.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountGrainTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const long Usd = 1_000_000; // micro-USD
    private ExchangeCluster _cluster = null!;
    private string _symbol = "";

    public async Task InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync(await postgres.CreateDatabaseAsync(applyMigrations: true));
        _symbol = MarketTestData.NewSymbol("A");
        await _cluster.CreateMarket(_symbol);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IAccountGrain Account(long id) => _cluster.Client.GetGrain<IAccountGrain>(id);

    private static PlaceOrder Limit(Side side, long price, long size, string? clientOrderId = null) =>
        new(0, side, OrderType.Limit, price, size, ClientOrderId: clientOrderId);

    [Fact]
    public async Task A_fill_settles_to_both_accounts_and_the_audit_balances()
    {
        await Account(1).Deposit(10_000 * Usd, "d1");
        await Account(2).Deposit(10_000 * Usd, "d2");
        var maker = await Account(1).PlaceOrder(_symbol, Limit(Side.Sell, 100_000, 1_000)); // 1 lot of 0.001 at 50,000 USD
        Assert.Equal(CommandStatus.Committed, maker.Outcome!.Status);
        var taker = await Account(2).PlaceOrder(_symbol, Limit(Side.Buy, 100_000, 400));
        Assert.Contains(taker.Outcome!.Events, e => e.Kind == EventKind.TradeExecuted && e.Size == 400);

        var buyer = await Account(2).GetView();
        Assert.Equal(400, Assert.Single(buyer.Positions).Size);
        var seller = await Eventually(async () =>
        {
            var view = await Account(1).GetView();
            return view.Positions is [{ Size: -400 }] ? view : throw new InvalidOperationException("maker fill not yet applied");
        });
        Assert.Equal(-400, Assert.Single(seller.Positions).Size);

        var audit = await _cluster.Client.GetGrain<IAuditGrain>(0).Run();
        Assert.True(audit.Balanced, $"money difference {audit.MoneyDifference}, positions {string.Join(",", audit.NetPositions)}");
        Assert.Equal(20_000 * Usd, audit.NetDeposits);
        Assert.True(audit.Fees > 0);
    }

    [Fact]
    public async Task Deposits_are_idempotent_by_transfer_id()
    {
        var first = await Account(3).Deposit(5 * Usd, "t-1");
        var again = await Account(3).Deposit(5 * Usd, "t-1");
        var conflicting = await Account(3).Deposit(6 * Usd, "t-1");
        Assert.Equal((AccountReject.None, false, 5 * Usd), (first.Reject, first.Duplicate, first.Collateral));
        Assert.Equal((AccountReject.None, true, 5 * Usd), (again.Reject, again.Duplicate, again.Collateral));
        Assert.Equal(AccountReject.TransferIdConflict, conflicting.Reject);
    }

    [Fact]
    public async Task An_order_beyond_the_margin_never_reaches_the_book()
    {
        await Account(4).Deposit(100 * Usd, "d4");
        // 10% initial margin: 100 USD supports 1,000 USD of notional = 2,000 lots at tick 1,000 (0.5 USD x 0.001 each... )
        var result = await Account(4).PlaceOrder(_symbol, Limit(Side.Buy, 1_000, 2_001));
        Assert.Equal(AccountReject.InsufficientMargin, result.Reject);
        Assert.Null(result.Outcome);
        Assert.Empty((await _cluster.Market(_symbol).GetBook(10)).Bids);
        Assert.Equal(AccountReject.None, (await Account(4).PlaceOrder(_symbol, Limit(Side.Buy, 1_000, 2_000))).Reject);
    }

}
