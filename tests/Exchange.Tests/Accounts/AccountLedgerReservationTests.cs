using Exchange.Accounts;
using Exchange.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>
/// The ledger hands out the margin it holds for orders in flight and takes it back: a reservation counts until it
/// is given back, a market order is reserved at its protection limit around the mark, an amend reserves only its
/// growth, and a withdrawal is debited until its write is kept or undone.
/// </summary>
public sealed class AccountLedgerReservationTests
{
    private static readonly MarketSpec Spec = Usd();

    private static AccountLedger Funded(long usd)
    {
        var ledger = new AccountLedger(1);
        ledger.Deposit(usd * 1_000_000);
        ledger.Track(Spec);
        return ledger;
    }

    private static PlaceOrder Buy(long price, long size, string id, OrderType type = OrderType.Limit) =>
        new(1, Side.Buy, type, type == OrderType.Market ? 0 : price, size, ClientOrderId: id);

    [Fact]
    public void A_reservation_counts_until_it_is_given_back()
    {
        var ledger = Funded(100); // 10% initial: 1,000 USD of notional
        Assert.Equal(AccountReject.None, ledger.TryReserve(Spec, Buy(100, 6, "a"), _ => 100, out var first));
        Assert.Equal(AccountReject.InsufficientMargin, ledger.TryReserve(Spec, Buy(100, 5, "b"), _ => 100, out var refused));
        Assert.Null(refused);
        Assert.Equal(60_000_000, ledger.InitialMargin(_ => 100));

        first!.Dispose();
        first.Dispose(); // harmless
        Assert.Equal(0, ledger.InitialMargin(_ => 100));
        Assert.Equal(AccountReject.None, ledger.TryReserve(Spec, Buy(100, 5, "b"), _ => 100, out _));
    }

    [Fact]
    public void A_market_order_is_reserved_at_its_protection_limit_around_the_mark()
    {
        var ledger = Funded(1_000);
        // Protection 10 ticks: a market buy at mark 100 may trade up to 110.
        Assert.Equal(110, AccountLedger.ReservationPrice(Spec, Buy(0, 10, "m", OrderType.Market), 100));
        Assert.Equal(Spec.MaxPrice, AccountLedger.ReservationPrice(Spec, Buy(0, 10, "m", OrderType.Market), 0));
        Assert.Equal(AccountReject.None, ledger.TryReserve(Spec, Buy(0, 10, "m", OrderType.Market), _ => 100, out _));
        Assert.Equal(110_000_000, ledger.InitialMargin(_ => 100)); // 10 lots x 110 USD x 10%
    }

    [Fact]
    public void An_amend_reserves_only_its_growth_at_the_worse_price()
    {
        var ledger = Funded(1_000);
        var market = ledger.Find(Spec.Symbol)!;
        Assert.True(ledger.Apply(Spec.Symbol, 0, [MarketEvent.Accepted(1, 0, 5, Buy(100, 10, "o"), 100)]));
        var current = market.OpenOrders[5];

        Assert.Equal(AccountReject.None, ledger.TryReserveAmend(market, current, 100, 4, _ => 100, out var none));
        Assert.Null(none); // shrinking holds nothing
        Assert.Equal(AccountReject.None, ledger.TryReserveAmend(market, current, 120, 15, _ => 100, out var growth));
        Assert.NotNull(growth);
        // 10 open at 100 plus 5 held at 120, valued at the worst buy price 120: 15 x 120 USD x 10%.
        Assert.Equal(180_000_000, ledger.InitialMargin(_ => 100));
        growth!.Dispose();
        Assert.Equal(100_000_000, ledger.InitialMargin(_ => 100));
    }

    [Fact]
    public void A_withdrawal_is_debited_until_it_is_kept_or_undone()
    {
        var ledger = Funded(100);
        Assert.Equal(AccountReject.None, ledger.TryHoldWithdrawal(40_000_000, _ => 0, out var hold));
        Assert.Equal(60_000_000, ledger.Collateral);
        hold!.Undo();
        hold.Undo();
        Assert.Equal((100_000_000L, 0L), (ledger.Collateral, ledger.Withdrawn));

        Assert.Equal(AccountReject.None, ledger.TryHoldWithdrawal(40_000_000, _ => 0, out var kept));
        kept!.Keep();
        kept.Undo(); // settled already: nothing to undo
        Assert.Equal((60_000_000L, 40_000_000L), (ledger.Collateral, ledger.Withdrawn));
        Assert.Equal(AccountReject.InsufficientFunds, ledger.TryHoldWithdrawal(70_000_000, _ => 0, out var none));
        Assert.Null(none);
    }
}
