using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using static Exchange.Tests.AccountGrains.AccountTestKit;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// The market's terms end to end: a mark, a risk change and a mode change are journaled commands that survive the
/// market's reactivation, and a risk change reaches both an account with resting orders (sent at once, before its
/// next fill) and an account that only holds a position (before its next margin decision).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketTermsDeliveryTests(PostgresFixture postgres) : AccountsWithMarketTests(postgres, "MT")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Mark_risk_and_the_modes_cause_survive_the_markets_reactivation()
    {
        var risk = MarketRisk.Default with { MakerFeeBps = 1, TakerFeeBps = 7 };
        await Market.SetMarkPrice(1_234);
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetRiskCommand(risk))).Status);
        var halt = new ModeCause(ModeActor.Operator, "maintenance window");
        Assert.Equal(CommandStatus.Committed, (await Market.Execute(new SetModeCommand(MarketMode.Halted, halt))).Status);
        var before = await Market.GetStatus();

        await Cluster.Cluster.DeactivateAsync(Market);

        Assert.Equal(before, await Market.GetStatus()); // the state hash covers the terms
        var summary = await Market.GetSummary();
        Assert.Equal(new MarketTerms(1_234, risk, halt, MarketWideSequence: 3), summary.Terms);
        Assert.Equal(new MarkReport(1_234, 3, 3), await Market.GetMark());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Market.SetMarkPrice(-5));
    }

    [Fact]
    public async Task A_maker_resting_through_a_fee_change_pays_the_new_fee_on_its_next_fill()
    {
        const long maker = 1, taker = 2;
        await Account(maker).Deposit(1_000 * Usd, "d-maker");
        await Account(taker).Deposit(1_000 * Usd, "d-taker");
        Assert.True((await Account(maker).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());

        var newFees = MarketRisk.Default with { MakerFeeBps = 10 };
        Assert.Equal(RejectReason.None, (await Market.Execute(new SetRiskCommand(newFees))).Rejection);
        Assert.True((await Account(taker).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "lift"))).IsAccepted());

        // 1,000 lots at 1,000 ticks is 500 USD: 10 bps is 0.50 USD (the old 2 bps would have been 0.10 USD).
        await Eventually(async () =>
        {
            var view = await Account(maker).GetView();
            Require(view.PositionIn(Symbol) == -1_000, $"maker position {view.PositionIn(Symbol)}");
            Assert.Equal(500_000, view.FeesPaid);
        }, Deadline);
        Assert.Equal(250_000, (await Account(taker).GetView()).FeesPaid); // taker fee unchanged: 5 bps
    }

    [Fact]
    public async Task An_account_holding_only_a_position_is_held_to_new_margin_tiers()
    {
        const long trader = 1, other = 2;
        await Account(trader).Deposit(60 * Usd, "d-trader");
        await Account(other).Deposit(1_000 * Usd, "d-other");
        Assert.True((await Account(other).PlaceOrder(Symbol, Limit(Side.Sell, 1_000, 1_000, "ask"))).IsAccepted());
        // 500 USD long needs 50 USD initial margin at 10%; the trader has 59.75 USD after the taker fee.
        Assert.True((await Account(trader).PlaceOrder(Symbol, Limit(Side.Buy, 1_000, 1_000, "lift"))).IsAccepted());
        var probe = Limit(Side.Buy, 900, 10, timeInForce: TimeInForce.ImmediateOrCancel); // 0.5 USD more margin, never fills
        Assert.Equal(AccountReject.None, (await Account(trader).PlaceOrder(Symbol, probe)).Reject);

        // 20% initial: the position alone now needs 100 USD.
        var stricter = MarketRisk.Default with { Tiers = [new MarginTier(0, 2_000, 1_000)] };
        Assert.Equal(RejectReason.None, (await Market.Execute(new SetRiskCommand(stricter))).Rejection);

        // The trader was sent nothing (no resting orders); the change reaches it with the market's next report, at
        // most the mark's allowed age later.
        await Eventually(async () =>
            Require((await Account(trader).PlaceOrder(Symbol, probe)).Reject == AccountReject.InsufficientMargin, "still accepted"),
            Deadline);
        Assert.Equal(200 * Usd / 2, (await Account(trader).GetView()).InitialMargin);
    }
}
