using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Many calls on one account at once, on a two-silo cluster over real PostgreSQL. The account grain is
/// reentrant, so its check-and-reserve steps interleave with each other and with fills arriving from the market;
/// whatever the interleaving, the account may never commit more than its equity covers, and an account that is
/// calling a market while that market delivers it fills must not stall.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountConcurrencyTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "C")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_hundred_concurrent_orders_cannot_together_exceed_the_margin()
    {
        const long price = 1_000, size = 1_000; // 500 USD of notional each: 50 USD of initial margin
        var margin = InitialMargin(price, size);
        Assert.Equal(50 * Usd, margin);
        await Account(1).Deposit(10 * margin, "d1");

        var results = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(i => Account(1).PlaceOrder(Symbol, Limit(Side.Buy, price, size, $"c{i}"))))
            .WaitAsync(Deadline);

        var accepted = results.Where(r => r.IsAccepted()).ToArray();
        Assert.True(accepted.Length == 10 && results.Count(r => r.Reject == AccountReject.InsufficientMargin) == 90,
            $"{accepted.Length} accepted, outcomes: " + string.Join(", ", results.GroupBy(r => (r.Reject, r.Outcome?.Status))
                .Select(g => $"{g.Key}: {g.Count()}")));
        Assert.All(results.Where(r => !r.IsAccepted()), r => Assert.Null(r.Outcome)); // refused ones never reached the market

        var open = await Market.GetOpenOrders(1);
        Assert.Equal(10, open.Length);
        Assert.Equal(accepted.Select(r => r.Outcome!.AcceptedOrderId()).Order(), open.Select(o => o.OrderId).Order());
        Assert.Equal(10, (await Market.GetStatus()).RestingOrders);

        var view = await Account(1).GetView();
        Assert.Equal((10 * margin, 10 * margin, 10 * margin, 0L), (view.Collateral, view.Equity, view.InitialMargin, view.Available));
        Assert.Equal(10, Assert.Single(view.Positions).OpenOrders);
    }

    [Fact]
    public async Task Concurrent_withdrawals_and_orders_cannot_overdraw()
    {
        const long price = 1_000, size = 1_000;
        var unit = InitialMargin(price, size); // each order needs 50 USD; each withdrawal takes 50 USD
        var deposit = 20 * unit;
        await Account(2).Deposit(deposit, "d2");

        // 30 withdrawals and 30 orders, 3,000 USD of demand on 1,000 USD, all at once, interleaved at random.
        var random = new Random(20240602);
        var calls = Enumerable.Range(0, 30).Select(i => (Kind: "w", Id: i)).Concat(Enumerable.Range(0, 30).Select(i => (Kind: "o", Id: i)))
            .OrderBy(_ => random.Next()).ToArray();
        var withdrawals = new List<Task<TransferResult>>();
        var orders = new List<Task<AccountOrderResult>>();
        foreach (var (kind, id) in calls)
        {
            if (kind == "w") withdrawals.Add(Account(2).Withdraw(unit, $"w{id}"));
            else orders.Add(Account(2).PlaceOrder(Symbol, Limit(Side.Buy, price, size, $"o{id}")));
        }
        await Task.WhenAll(Task.WhenAll(withdrawals), Task.WhenAll(orders)).WaitAsync(Deadline);

        var withdrawn = withdrawals.Count(w => w.Result is { Reject: AccountReject.None, Duplicate: false }) * unit;
        var acceptedOrders = orders.Count(o => o.Result.IsAccepted());
        Assert.All(withdrawals.Where(w => w.Result.Reject != AccountReject.None), w => Assert.Equal(AccountReject.InsufficientFunds, w.Result.Reject));
        Assert.All(orders.Where(o => !o.Result.IsAccepted()), o => Assert.Equal(AccountReject.InsufficientMargin, o.Result.Reject));

        var view = await Account(2).GetView();
        var reserved = acceptedOrders * unit;
        Assert.True(withdrawn + reserved <= deposit, $"withdrawn {withdrawn} + margin of accepted orders {reserved} exceeds the deposit {deposit}");
        Assert.Equal(deposit - withdrawn, view.Collateral);
        Assert.Equal(reserved, view.InitialMargin);
        Assert.True(view.Collateral >= 0 && view.Equity >= view.InitialMargin && view.Available >= 0,
            $"collateral {view.Collateral}, equity {view.Equity}, initial margin {view.InitialMargin}");
        // Every refusal was forced: the 1,000 USD were used up exactly.
        Assert.Equal(deposit, withdrawn + reserved);

        // The durable records agree with the answers.
        Assert.Equal(withdrawn, await Sql.ScalarAsync<long>(Database,
            "select coalesce(sum(amount), 0)::bigint from account_transfers where account_id = 2 and kind = 2"));
        Assert.Equal(acceptedOrders, (await Market.GetOpenOrders(2)).Length);
    }

    [Fact]
    public async Task An_account_placing_orders_while_the_market_delivers_it_maker_fills_never_stalls()
    {
        const long maker = 3, taker = 4;
        await Account(maker).Deposit(1_000_000 * Usd, "d3");
        await Account(taker).Deposit(1_000_000 * Usd, "d4");
        Assert.True((await Account(maker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 5, "seed"))).IsAccepted());

        // Each iteration: the maker rests a sell at 1,000 and, at the same moment, places another order further
        // out and cancels an older one, while the taker's IOC buys at 1,000 fill the maker's resting sells. So the
        // market is pushing fills to the maker while the maker is calling the market, 200 times over, all at once.
        const int iterations = 200;
        var calls = Enumerable.Range(0, iterations).Select(async i =>
        {
            var rest = Account(maker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 2, $"r{i}"));
            var further = Account(maker).PlaceOrder(Symbol, Limit(Side.Sell, 1_001 + i % 7, 1, $"f{i}"));
            var take = Account(taker).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 2, $"t{i}", TimeInForce.ImmediateOrCancel));
            var cancel = i % 3 == 0 && i > 0
                ? Account(maker).CancelOrder(Symbol, new CancelOrder(0, 0, $"f{i - 1}"))
                : Task.FromResult(AccountOrderResult.Refused(AccountReject.None));
            return await Task.WhenAll(rest, further, take, cancel);
        }).ToArray();

        var all = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(20));

        var results = all.SelectMany(r => r).Where(r => r.Outcome is not null).ToArray();
        Assert.All(results, r => Assert.Equal(CommandStatus.Committed, r.Outcome!.Status));
        var filled = all.Sum(r => r[2].Outcome!.Events.Where(e => e.Kind == EventKind.TradeExecuted).Sum(e => e.Size));
        Assert.True(filled > 0, "the taker never traded");

        var journal = await PositionsFromJournal(Database, Symbol);
        Assert.Equal(filled, journal.GetValueOrDefault(taker));
        Assert.Equal(-filled, journal.GetValueOrDefault(maker));
        var audit = await Cluster.Client.GetGrain<IAuditGrain>(0).Run().WaitAsync(Deadline);
        Assert.True(audit.Balanced, audit.Describe());
        Assert.Equal(filled, (await Account(taker).GetView()).PositionIn(Symbol));
        Assert.Equal(-filled, (await Account(maker).GetView()).PositionIn(Symbol));
        // What the maker believes is open is what the book holds.
        Assert.Equal((await Market.GetOpenOrders(maker)).Length, (await Account(maker).GetView()).Positions.Single().OpenOrders);
    }

    [Fact]
    public async Task Concurrent_amends_that_grow_orders_cannot_together_exceed_the_margin()
    {
        const long price = 1_000;
        await Account(5).Deposit(100 * Usd, "d5");
        // Ten resting buys of 100 lots: 5 USD of initial margin each, 50 USD in all; 50 USD stay free.
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
            ids.Add((await Account(5).PlaceOrder(Symbol, Limit(Side.Buy, price, 100, $"b{i}"))).Outcome!.AcceptedOrderId());
        Assert.Equal(50 * Usd, (await Account(5).GetView()).InitialMargin);

        // Growing each to 300 lots needs 10 USD more per order: the free 50 USD cover five such amends, not ten.
        var amends = await Task.WhenAll(ids.Select(id => Account(5).AmendOrder(Symbol, new AmendOrder(0, id, null, price, 300))))
            .WaitAsync(Deadline);

        var applied = amends.Count(a => a.Outcome is { Status: CommandStatus.Committed } o && o.Events.Any(e => e.Kind == EventKind.OrderAmended));
        var view = await Account(5).GetView();
        Assert.True(view.InitialMargin <= view.Equity && applied <= 5,
            $"{applied} of 10 concurrent amends applied: initial margin {view.InitialMargin} against equity {view.Equity} " +
            $"(the book holds {(await Market.GetOpenOrders(5)).Sum(o => o.Remaining)} lots of buys)");
    }

    [Fact]
    public async Task An_order_retried_while_its_original_is_in_flight_is_answered_and_placed_once()
    {
        await Account(8).Deposit(1_000 * Usd, "d8");

        // A client that timed out and resent: the same order with the same client order id, three times at once; fifty such.
        var rounds = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var order = Limit(Side.Buy, 900 + i, 10, $"retry-{i}");
            var calls = Enumerable.Range(0, 3).Select(_ => Account(8).PlaceOrder(Symbol, order)).ToArray();
            try { await Task.WhenAll(calls); } catch (Exception) { /* inspected below */ }
            return calls;
        })).WaitAsync(Deadline);

        // Each order is in the book once, and what the account counts is what the book holds.
        var open = await Market.GetOpenOrders(8);
        Assert.Equal(50, open.Length);
        Assert.Equal(50, (await Account(8).GetView()).Positions.Single().OpenOrders);
        // Every send is answered: the original, and each retry (as the original, or as a duplicate of it).
        var thrown = rounds.SelectMany(c => c).Where(c => c.IsFaulted).Select(c => c.Exception!.InnerException!).ToArray();
        Assert.True(thrown.Length == 0, $"{thrown.Length} of 150 sends threw instead of being answered, e.g. " +
            thrown.FirstOrDefault()?.GetType().Name + ": " + thrown.FirstOrDefault()?.Message);
        Assert.All(rounds.SelectMany(c => c), c => Assert.Equal(CommandStatus.Committed, c.Result.Outcome?.Status));
    }
}
