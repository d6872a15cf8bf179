using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Markets;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Pre-trade risk rules beyond a plain new order: an amend is checked as the order it changes, and a reduce-only
/// order (which the book does not enforce) stays margined once the position it reduced is gone.
/// Two-silo cluster over real PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountRiskTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "R")
{
    [Fact]
    public async Task An_amend_naming_its_order_by_client_order_id_is_checked_on_the_order_s_own_side()
    {
        const long seller = 6, buyer = 7;
        await Account(seller).Deposit(60 * Usd, "d6");
        await Account(buyer).Deposit(1_000_000 * Usd, "d7");
        // The seller goes short 1,000 lots at 1,000 (50 USD of initial margin; 0.25 USD taker fee).
        Assert.True((await Account(buyer).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "bid"))).IsAccepted());
        Assert.True((await Account(seller).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "hit"))).IsAccepted());
        // A resting sell of 1 lot at 1,100: 1,001 lots short at 1,100 needs 55.055 USD, within the 59.75 USD equity.
        Assert.True((await Account(seller).PlaceOrder(Symbol, Limit(Side.Sell, 1_100, 1, "s1"))).IsAccepted());
        var before = await Account(seller).GetView();
        Assert.Equal(-1_000, before.PositionIn(Symbol));

        // Growing that sell to 200 lots would need 1,200 lots short at 1,100: 66 USD. Named by order id it is refused...
        var orderId = (await Market.GetOrderByClientId(seller, "s1")).OrderId;
        var byId = await Account(seller).AmendOrder(Symbol, new AmendOrder(0, orderId, null, 1_100, 200));
        Assert.Equal(AccountReject.InsufficientMargin, byId.Reject);

        // ...and named by client order id it must be refused just the same.
        var byClientId = await Account(seller).AmendOrder(Symbol, new AmendOrder(0, 0, "s1", 1_100, 200));
        var after = await Account(seller).GetView();
        Assert.True(byClientId.Reject == AccountReject.InsufficientMargin,
            $"amend by client order id: reject {byClientId.Reject}, status {byClientId.Outcome?.Status}; the account now needs " +
            $"{after.InitialMargin} of initial margin with equity {after.Equity}");
    }

    [Fact]
    public async Task A_market_order_never_fills_beyond_the_price_its_margin_was_reserved_at()
    {
        const long trader = 11, other = 12;
        await Account(trader).Deposit(60 * Usd, "d11");
        await Account(other).Deposit(1_000_000 * Usd, "d12");
        // The mark says 1,000; the only ask is far above it, at 1,500 (within the book's 100-tick protection of nothing).
        await Market.SetMarkPrice(1_000);
        Assert.True((await Account(other).PlaceOrder(Symbol, Limit(Side.Sell, 1_500, 1_000, "far-ask"))).IsAccepted());

        // 1,000 lots reserved at the mark plus protection (1,100) need 55 USD: within the 60 deposited. At 1,500 they
        // would need 75 USD. The order must go out capped at 1,100, so nothing trades.
        var order = new PlaceOrder(0, Side.Buy, OrderType.Market, 0, 1_000, TimeInForce.ImmediateOrCancel, ClientOrderId: "mkt");
        var result = await Account(trader).PlaceOrder(Symbol, order);
        Assert.Equal(AccountReject.None, result.Reject);
        Assert.Collection(result.Outcome!.Events,
            e => Assert.Equal((EventKind.OrderAccepted, 1_100L), (e.Kind, e.Price)),
            e => Assert.Equal((EventKind.OrderCancelled, CancelReason.Unfilled), (e.Kind, e.CancelReason)));
        Assert.Equal(0, (await Account(trader).GetView()).PositionIn(Symbol));
    }

    [Fact]
    public async Task A_reduce_only_order_that_outlives_its_position_is_margined_like_any_other()
    {
        const long trader = 9, other = 10;
        await Account(trader).Deposit(10 * Usd, "d9");
        await Account(other).Deposit(1_000_000 * Usd, "d10");

        // The trader goes long 100 lots at 1,000 (5 USD of margin), and rests a reduce-only sell of 100 lots at 1,010.
        Assert.True((await Account(other).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 100, "o-ask"))).IsAccepted());
        Assert.True((await Account(trader).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 100, "t-buy"))).IsAccepted());
        var takeProfit = await Account(trader).PlaceOrder(Symbol, Limit(Side.Sell, 1_010, 100, "t-tp") with { Flags = OrderFlags.ReduceOnly });
        Assert.True(takeProfit.IsAccepted());

        // It closes the long with an ordinary sell: flat, with the reduce-only sell still resting. The book does not
        // enforce the flag, so that order could now open a 100-lot short: 5.05 USD of margin must stay reserved.
        Assert.True((await Account(other).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 100, "o-bid"))).IsAccepted());
        Assert.True((await Account(trader).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 100, "t-close"))).IsAccepted());
        var flat = await Account(trader).GetView();
        Assert.Equal((0L, 9_950_000L, 5_050_000L), (flat.PositionIn(Symbol), flat.Equity, flat.InitialMargin));

        // So another 100-lot sell at 1,010 (200 lots short in the worst case: 10.10 USD) does not fit in 9.95 USD...
        Assert.Equal(AccountReject.InsufficientMargin,
            (await Account(trader).PlaceOrder(Symbol, Limit(Side.Sell, 1_010, 100, "t-more"))).Reject);

        // ...and when a buyer lifts the reduce-only sell, the short it opens was covered all along.
        Assert.True((await Account(other).PlaceOrder(Symbol, Limit(Side.Buy, 1_010, 100, "o-lift"))).IsAccepted());
        Assert.Equal(-100, (await PositionsFromJournal(Database, Symbol)).GetValueOrDefault(trader));
        var shortView = await Eventually(async () =>
        {
            var v = await Account(trader).GetView();
            Require(v.PositionIn(Symbol) == -100, $"the trader's view shows {v.PositionIn(Symbol)} lots, its journal -100");
            return v;
        }, TimeSpan.FromSeconds(10));
        Assert.True(shortView.Equity >= shortView.InitialMargin, $"equity {shortView.Equity}, initial margin {shortView.InitialMargin}");
    }
}
