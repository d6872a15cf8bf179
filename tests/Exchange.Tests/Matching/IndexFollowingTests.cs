using Exchange.Matching;
using Exchange.Pricing;

namespace Exchange.Tests.Matching;

/// <summary>
/// A market that follows an index (<see cref="IndexFollowing"/>), on both books: an untrusted index stops trading,
/// a trusted one reopens the market through an auction, the mark stays within its band around the index whatever the
/// book does, the operator's halt and mark are the operator's, and volatility raises initial margin at once.
/// </summary>
public sealed class IndexFollowingTests
{
    private const string Name = "TEST-USD";

    private static readonly MarketSpec Following = BookDriver.DefaultSpec with
    {
        Index = new IndexRules(Name, ReopenAfterMs: 5_000, AuctionMs: 5_000, Scaling: MarginScalingPolicy.Off),
    };

    private static IndexTick Fresh(long ticks, long sigma = -1) => new(ticks, IndexStatus.Fresh, 0, sigma);

    private static IndexTick Stale(long ticks) => new(ticks, IndexStatus.Stale, 0, -1);

    private static BookDriver Driver(BookFactory factory, MarketSpec? spec = null) => new(factory, MarketMode.Open, spec ?? Following);

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_stale_index_puts_a_trading_market_in_cancel_only_where_cancels_still_pass(BookFactory factory)
    {
        var d = Driver(factory);
        d.Buy(1, 790, 5);
        var events = d.Index(Stale(800));

        var stale = new ModeCause(ModeActor.Oracle, $"index {Name} stale");
        Assert.Equal(
            [MarketEvent.IndexSet(2, d.Now, 800, 0, IndexStatus.Stale), MarketEvent.ModeSwitched(3, d.Now, MarketMode.CancelOnly, MarketMode.Open, stale)],
            events);
        Assert.Equal(0, d.Book.Terms.MarkPrice); // nothing moves the mark on a price nobody vouches for
        Expect.Rejection(d.Buy(2, 795, 1), RejectReason.MarketCancelOnly);
        Assert.Collection(d.Cancel(1, 1), Expect.Cancelled(1, 5, CancelReason.Requested));
        Assert.DoesNotContain(d.Index(Stale(800)), e => e.Kind == EventKind.ModeChanged); // already safe: said once
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_trusted_index_reopens_the_market_through_an_auction_after_it_has_been_fresh_long_enough(BookFactory factory)
    {
        var d = Driver(factory);
        d.Index(Stale(800));
        Assert.Equal(MarketMode.CancelOnly, d.Book.Mode);

        var first = d.Index(Fresh(800), afterMs: 1_000);
        Assert.Equal([EventKind.IndexPriceSet, EventKind.MarkPriceSet], first.Select(e => e.Kind));
        Assert.Equal(800, d.Book.Terms.MarkPrice);
        d.Index(Fresh(800), afterMs: 4_000);
        Assert.Equal(MarketMode.CancelOnly, d.Book.Mode); // 4 s of 5 fresh

        var reopening = d.Index(Fresh(800), afterMs: 1_000);
        Assert.Equal(MarketEvent.ModeSwitched(reopening[^1].Sequence, d.Now, MarketMode.Auction, MarketMode.CancelOnly,
            new ModeCause(ModeActor.Oracle, $"index {Name} trusted again: reopening auction")), reopening[^1]);

        Assert.Collection(d.Buy(1, 803, 5), Expect.Accepted(1)); // crossing orders rest in the auction
        Assert.Collection(d.Sell(2, 797, 3), Expect.Accepted(2));
        d.Index(Fresh(800), afterMs: 4_999);
        Assert.Equal(MarketMode.Auction, d.Book.Mode);

        var uncross = d.Index(Fresh(800), afterMs: 1);
        var tail = uncross.SkipWhile(e => e.Kind != EventKind.AuctionUncrossed).ToArray();
        Assert.Collection(tail,
            Expect.Uncrossed(800, 3), // the volume-maximising range 797..803, the index breaks the tie
            Expect.Trade(2, 1, 800, 3),
            e => Assert.Equal((MarketMode.Open, ModeActor.Oracle), (e.Mode, e.Cause.Actor)));
        Assert.Equal(MarketMode.Open, d.Book.Mode);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_oracle_never_lifts_what_an_operator_set(BookFactory factory)
    {
        var d = Driver(factory);
        d.SetMode(MarketMode.Halted, new ModeCause(ModeActor.Operator, "maintenance"));
        d.Index(Stale(800));
        for (var i = 0; i < 12; i++) d.Index(Fresh(800), afterMs: 1_000);
        Assert.Equal(MarketMode.Halted, d.Book.Mode);
        Assert.Equal("maintenance", d.Book.Terms.ModeCause.Reason);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_thin_book_cannot_push_the_mark_outside_its_band_around_the_index(BookFactory factory)
    {
        var d = Driver(factory);
        d.Index(Fresh(800));
        d.Sell(2, 995, 1);
        d.Buy(1, 995, 1);   // a trade far above the index
        d.Buy(1, 990, 1);
        d.Sell(2, 996, 1);  // and a book quoted around it
        for (var i = 0; i < 50; i++) d.Index(Fresh(800), afterMs: 250);
        Assert.Equal(804, d.Book.Terms.MarkPrice); // 800 + 50 bps: the edge, never beyond
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void An_operators_mark_overrides_the_index_until_it_is_cleared(BookFactory factory)
    {
        var d = Driver(factory);
        d.Index(Fresh(800));
        d.SetMark(700);
        d.Index(Fresh(810), afterMs: 250);
        Assert.Equal(700, d.Book.Terms.MarkPrice);
        Assert.True(d.Book.Terms.Index!.OperatorMark);
        d.SetMark(0);
        d.Index(Fresh(810), afterMs: 250);
        Assert.Equal(810, d.Book.Terms.MarkPrice);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Ticks_for_a_market_without_an_index_or_with_impossible_values_are_refused(BookFactory factory)
    {
        Expect.Rejection(Driver(factory, BookDriver.DefaultSpec).Index(Fresh(800)), RejectReason.NoIndex);
        var d = Driver(factory);
        Expect.Rejection(d.Index(Fresh(-1)), RejectReason.NoIndex);
        Expect.Rejection(d.Index(Fresh(800) with { Status = (IndexStatus)9 }), RejectReason.NoIndex);
        Expect.Rejection(d.Index(Fresh(800, sigma: -2)), RejectReason.NoIndex);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Volatility_raises_initial_margin_at_once_and_maintenance_step_by_step(BookFactory factory)
    {
        var scaling = new MarginScalingPolicy(SigmaMultipleBps: 30_000, CapBps: 50_000, StepBps: 500, MaxMaintenanceStepBps: 1_000, IntervalMs: 60_000);
        var d = Driver(factory, Following with { Index = Following.Index! with { Scaling = scaling } });
        d.Index(Fresh(800, sigma: 0));
        Assert.Equal(MarginMultipliers.One, d.Book.Terms.Index!.Multipliers);

        // 5% over the horizon against 5% maintenance: k 3 asks for 3x.
        var spike = d.Index(Fresh(800, sigma: 50_000), afterMs: 1_000);
        var risk = Assert.Single(spike, e => e.Kind == EventKind.RiskChanged).Risk!;
        Assert.Equal(new MarginTier(0, 3_000, 500), risk.Tiers[0]);
        Assert.Equal(new MarginMultipliers(30_000, 10_000), d.Book.Terms.Index!.Multipliers);
        Assert.Equal(MarketRisk.Default, d.Book.Terms.Index!.BaseRisk);

        d.Index(Fresh(800, sigma: 50_000), afterMs: 59_000);
        Assert.Equal(10_000, d.Book.Terms.Index!.Multipliers.MaintenanceBps); // under a minute: not yet
        d.Index(Fresh(800, sigma: 50_000), afterMs: 1_000);
        Assert.Equal(11_000, d.Book.Terms.Index!.Multipliers.MaintenanceBps);
        Assert.Equal(550, d.Book.Terms.Risk.Tiers[0].MaintenanceBps);

        d.Index(Fresh(800, sigma: -1), afterMs: 120_000); // volatility unknown (an oracle restart): margin holds
        Assert.Equal(new MarginMultipliers(30_000, 11_000), d.Book.Terms.Index!.Multipliers);
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_same_ticks_give_the_same_state_and_a_captured_book_keeps_it(BookFactory factory)
    {
        static IOrderBook Run(BookFactory factory)
        {
            var d = Driver(factory);
            d.Buy(1, 790, 5);
            d.Sell(2, 812, 5);
            d.Index(Fresh(800));
            d.Index(Fresh(803), afterMs: 250);
            d.Index(Stale(803), afterMs: 250);
            d.Index(new IndexTick(803, IndexStatus.Stale, 0, -1, IndexTickOrigin.Restart), afterMs: 250);
            d.Index(Fresh(801), afterMs: 250);
            return d.Book;
        }
        var book = Run(factory);
        Assert.Equal(book.StateHash(), Run(factory).StateHash());
        Assert.Equal(book.StateHash(), Run(BookFactories.Reference).StateHash());
        Assert.NotNull(book.Terms.Index);
        var rebuilt = (IOrderBook)Activator.CreateInstance(book.GetType(), Following, book.Capture())!;
        Assert.Equal(book.Terms, rebuilt.Terms);
        Assert.Equal(book.StateHash(), rebuilt.StateHash());
    }

    [Fact]
    public void The_state_hash_covers_the_index_state()
    {
        IOrderBook Book(params IndexTick[] ticks)
        {
            var d = Driver(BookFactories.Implementations[1]);
            foreach (var tick in ticks) d.Index(tick, afterMs: 250);
            return d.Book;
        }
        var hashes = new[]
        {
            Book(Fresh(800)), Book(Fresh(801)), Book(Fresh(800) with { Status = IndexStatus.Degraded }),
            Book(Fresh(800, sigma: 7)), Book(Fresh(800) with { AsOf = 5 }),
        }.Select(b => b.StateHash());
        Assert.Equal(5, hashes.Distinct().Count());
    }
}
