using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;
using Exchange.Tests.Markets;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// An oracle and the markets that follow its index, on fake time: a new market waits for a trusted index, reopens
/// through an auction, goes cancel-only within the oracle tick that loses the quorum (cancels still pass), stays
/// there after a restart until fresh prices arrive, and one index failing leaves a market on another alone. Every
/// mark and mode change is journaled: replaying the journal gives the same book.
/// </summary>
public sealed class PriceIntegrityTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = new OracleOptions().TickInterval;
    private FakeTimeCluster _cluster = null!;
    private readonly string _index = NewIndex();
    private readonly string _symbol = MarketTestData.NewSymbol("PI");
    private string[] _feeds = [];

    public async Task InitializeAsync()
    {
        _cluster = await FakeTimeCluster.StartAsync();
        _feeds = await Configure(_index);
        await CreateMarket(_symbol, _index);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string NewIndex() => $"IX-{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    private IMarketGrain Market(string symbol) => _cluster.Exchange.Market(symbol);

    private IOracleGrain Oracle(string index) => _cluster.Exchange.Client.GetGrain<IOracleGrain>(index);

    private long NowMs => _cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<string[]> Configure(string index)
    {
        var oracle = Oracle(index);
        await oracle.Configure(new IndexPolicy(MinFeeds: 2, StaleAfterMs: 2_000, MaxDeviationBps: 200));
        return [await oracle.AddFeed("a"), await oracle.AddFeed("b"), await oracle.AddFeed("c")];
    }

    private async Task CreateMarket(string symbol, string index)
    {
        var spec = MarketTestData.Spec(symbol) with
        {
            Index = new IndexRules(index, ReopenAfterMs: 1_000, AuctionMs: 1_000, Scaling: MarginScalingPolicy.Off),
        };
        Assert.Equal(CreateMarketResult.Created, await _cluster.Exchange.Registry.CreateMarket(spec));
    }

    private long _cents;

    /// <summary>
    /// The feeds named publish about 64,000 USD (128,000 ticks of 0.5), a cent more each time so that every tick sends
    /// the markets a new reading (an unchanged one is repeated only every heartbeat), then one oracle tick passes.
    /// </summary>
    private async Task PublishAndTick(string index, params string[] feeds)
    {
        var price = 64_000 * IndexPrices.Scale + ++_cents * IndexPrices.Scale / 100;
        foreach (var feed in feeds)
            Assert.Equal([PublishResult.Accepted], await Oracle(index).Publish(feed, [new FeedPrice(price, NowMs)]));
        _cluster.Advance(Tick);
    }

    private async Task<MarketTerms> Terms(string symbol) => (await Market(symbol).GetSummary()).Terms!;

    private async Task<MarketSummary> Until(string symbol, Func<MarketSummary, bool> condition, string what) =>
        await Eventually(async () =>
        {
            var summary = await Market(symbol).GetSummary();
            return condition(summary) ? summary : throw new InvalidOperationException($"{symbol} is not yet {what}: {summary}");
        });

    /// <summary>Publishes from all feeds tick by tick until the market trades continuously again.</summary>
    private async Task ReopenThroughTheAuction(string symbol, string index, string[] feeds)
    {
        for (var i = 0; i < 40 && (await Market(symbol).GetSummary()).Mode != MarketMode.Open; i++)
        {
            await PublishAndTick(index, feeds);
            await Eventually(async () => (await Terms(symbol)).Index?.Tick.AsOf >= NowMs - Tick.TotalMilliseconds
                ? true : throw new InvalidOperationException("the tick has not reached the market yet"));
        }
        Assert.Equal(MarketMode.Open, (await Market(symbol).GetSummary()).Mode);
    }

    /// <summary>A second index and a market following it, both markets reopened by fresh prices from all their feeds.</summary>
    private async Task<(string Index, string Symbol, string[] Feeds)> OpenASecondMarketBesideTheFirst(string prefix)
    {
        var otherIndex = NewIndex();
        var otherSymbol = MarketTestData.NewSymbol(prefix);
        var otherFeeds = await Configure(otherIndex);
        await CreateMarket(otherSymbol, otherIndex);
        for (var i = 0; i < 40; i++)
        {
            foreach (var feed in _feeds) await Oracle(_index).Publish(feed, [new FeedPrice(64_000 * IndexPrices.Scale + i * IndexPrices.Scale / 100, NowMs)]);
            await PublishAndTick(otherIndex, otherFeeds);
            if ((await Market(_symbol).GetSummary()).Mode == MarketMode.Open && (await Market(otherSymbol).GetSummary()).Mode == MarketMode.Open) break;
        }
        return (otherIndex, otherSymbol, otherFeeds);
    }

    [Fact]
    public async Task A_new_market_waits_for_a_trusted_index_then_reopens_through_an_auction()
    {
        var start = await Market(_symbol).GetSummary();
        Assert.Equal((MarketMode.CancelOnly, ModeActor.Oracle), (start.Mode, start.Terms!.ModeCause.Actor));
        Assert.Contains("restart", start.Terms.ModeCause.Reason, StringComparison.Ordinal);

        List<MarketMode> modes = [start.Mode];
        for (var i = 0; i < 40 && modes[^1] != MarketMode.Open; i++)
        {
            await PublishAndTick(_index, _feeds);
            var summary = await Until(_symbol, s => s.Terms!.Index?.Tick.AsOf >= NowMs - Tick.TotalMilliseconds, "ticked");
            if (modes[^1] != summary.Mode) modes.Add(summary.Mode);
        }
        Assert.Equal([MarketMode.CancelOnly, MarketMode.Auction, MarketMode.Open], modes);
        var terms = await Terms(_symbol);
        Assert.Equal(IndexStatus.Fresh, terms.Index!.Tick.Status);
        Assert.InRange(terms.Index.Tick.IndexTicks, 128_000, 128_001);
        Assert.Equal(terms.Index.Tick.IndexTicks, terms.MarkPrice); // an empty book: the mark is the index
    }

    [Fact]
    public async Task Losing_the_quorum_stops_trading_within_the_same_oracle_tick_and_cancels_still_pass()
    {
        await ReopenThroughTheAuction(_symbol, _index, _feeds);
        var resting = await Market(_symbol).Execute(MarketTestData.Limit(1, Side.Buy, 127_000, 1_000));
        var orderId = resting.Events.Single().OrderId;

        // Only one feed goes on publishing: once the other two are older than 2 s the index is stale.
        IndexView? view = null;
        for (var i = 0; i < 20; i++)
        {
            await PublishAndTick(_index, _feeds[0]);
            view = await Oracle(_index).GetIndex();
            if (view!.Status == IndexStatus.Stale) break;
        }
        Assert.Equal(IndexStatus.Stale, view!.Status);
        // No further tick: the one that found the index stale told the market.
        var safe = await Until(_symbol, s => s.Mode == MarketMode.CancelOnly, "cancel-only");
        Assert.Equal(ModeActor.Oracle, safe.Terms!.ModeCause.Actor);

        var refused = await Market(_symbol).Execute(MarketTestData.Limit(2, Side.Buy, 127_000, 1_000));
        Assert.Equal(RejectReason.MarketCancelOnly, refused.Rejection);
        var cancelled = await Market(_symbol).Execute(new CancelCommand(new CancelOrder(1, orderId)));
        Assert.Equal(EventKind.OrderCancelled, cancelled.Events.Single().Kind);
    }

    [Fact]
    public async Task A_restarted_market_stays_safe_until_fresh_prices_arrive_however_fresh_its_last_mark_looks()
    {
        await ReopenThroughTheAuction(_symbol, _index, _feeds);
        var before = await Terms(_symbol);
        Assert.Equal(IndexStatus.Fresh, before.Index!.Tick.Status);

        await _cluster.Exchange.Cluster.DeactivateAsync(Market(_symbol));
        await _cluster.Exchange.Cluster.DeactivateAsync(Oracle(_index));
        var restarted = await Market(_symbol).GetSummary();
        Assert.Equal((MarketMode.CancelOnly, ModeActor.Oracle), (restarted.Mode, restarted.Terms!.ModeCause.Actor));
        Assert.Equal(before.MarkPrice, restarted.Terms.MarkPrice); // the last mark is kept, but not trusted
        Assert.Equal(IndexTickOrigin.Restart, restarted.Terms.Index!.Tick.Origin);

        // The oracle restarted too: it has no prices, so time passing without feeds changes nothing.
        for (var i = 0; i < 12; i++) _cluster.Advance(Tick);
        Assert.Equal(MarketMode.CancelOnly, (await Market(_symbol).GetSummary()).Mode);
        await ReopenThroughTheAuction(_symbol, _index, _feeds);
    }

    [Fact]
    public async Task A_silent_oracle_puts_its_markets_in_safe_mode_by_the_markets_own_clock()
    {
        await ReopenThroughTheAuction(_symbol, _index, _feeds);
        await _cluster.Exchange.Cluster.DeactivateAsync(Oracle(_index)); // gone, and nothing wakes it but the market
        var silence = new MarketOptions().IndexSilence;
        for (var passed = TimeSpan.Zero; passed <= silence + new MarketOptions().IndexSilenceCheck; passed += Tick) _cluster.Advance(Tick);
        var safe = await Until(_symbol, s => s.Mode == MarketMode.CancelOnly, "cancel-only");
        Assert.True(safe.Terms!.Index!.Tick.Origin is IndexTickOrigin.Silence or IndexTickOrigin.Oracle);
    }

    [Fact]
    public async Task One_index_failing_leaves_a_market_on_another_index_trading()
    {
        var (otherIndex, otherSymbol, otherFeeds) = await OpenASecondMarketBesideTheFirst("PJ");
        await Until(_symbol, s => s.Mode == MarketMode.Open, "open");
        await Until(otherSymbol, s => s.Mode == MarketMode.Open, "open");

        for (var i = 0; i < 16; i++) await PublishAndTick(otherIndex, otherFeeds); // the first index's feeds fall silent
        await Until(_symbol, s => s.Mode == MarketMode.CancelOnly, "cancel-only");
        Assert.Equal(MarketMode.Open, (await Market(otherSymbol).GetSummary()).Mode);
        Assert.Equal(IndexStatus.Fresh, (await Terms(otherSymbol)).Index!.Tick.Status);
    }

    [Fact]
    public async Task Replaying_the_journal_reproduces_every_mark_and_mode_change()
    {
        await ReopenThroughTheAuction(_symbol, _index, _feeds);
        for (var i = 0; i < 12; i++) await PublishAndTick(_index, _feeds[0]); // to stale and safe again
        await Until(_symbol, s => s.Mode == MarketMode.CancelOnly, "cancel-only");
        var live = await Market(_symbol).GetStatus();

        var replayed = new FastOrderBook(MarketTestData.Spec(_symbol) with { Index = (await Market(_symbol).GetSpec())!.Index }, MarketMode.Open);
        var events = new EventBuffer();
        var modes = new List<MarketMode>();
        await foreach (var batch in _cluster.Journal.ReadAfter(_symbol, 0, CancellationToken.None))
            foreach (var entry in batch.Entries)
            {
                events.Clear();
                MarketCommandRunner.Run(replayed, entry.Command, entry.Timestamp, events);
                Assert.Equal(entry.Events, events.ToArray());
                modes.AddRange(entry.Events.Where(e => e.Kind == EventKind.ModeChanged).Select(e => e.Mode));
            }
        Assert.Equal(live.StateHash, replayed.StateHash());
        Assert.Equal([MarketMode.CancelOnly, MarketMode.Auction, MarketMode.Open, MarketMode.CancelOnly], modes);
    }

    [Fact]
    public async Task While_an_index_is_stale_its_mark_decides_no_withdrawal_and_no_new_risk_anywhere()
    {
        var (otherIndex, otherSymbol, otherFeeds) = await OpenASecondMarketBesideTheFirst("PK");
        var (buyer, seller) = (_cluster.Exchange.Client.GetGrain<IAccountGrain>(901), _cluster.Exchange.Client.GetGrain<IAccountGrain>(902));
        foreach (var account in new[] { buyer, seller }) await account.Deposit(10_000_000_000, $"d-{account.GetPrimaryKeyLong()}");
        Assert.Equal(AccountReject.None, (await seller.PlaceOrder(_symbol, new PlaceOrder(0, Side.Sell, OrderType.Limit, 128_000, 1_000))).Reject);
        Assert.Equal(AccountReject.None, (await buyer.PlaceOrder(_symbol, new PlaceOrder(0, Side.Buy, OrderType.Limit, 128_000, 1_000))).Reject);
        Assert.Equal(AccountReject.None, (await buyer.Withdraw(1_000_000, "w-1")).Reject);

        for (var i = 0; i < 16; i++) await PublishAndTick(otherIndex, otherFeeds); // the first index goes stale
        await Until(_symbol, s => s.Mode == MarketMode.CancelOnly, "cancel-only");

        Assert.Equal(AccountReject.MarkUntrusted, (await buyer.Withdraw(1_000_000, "w-2")).Reject);
        var elsewhere = await buyer.PlaceOrder(otherSymbol, new PlaceOrder(0, Side.Buy, OrderType.Limit, 127_000, 1));
        Assert.Equal(AccountReject.MarkUntrusted, elsewhere.Reject);
        // An account with nothing in the stale market is not held back.
        var bystander = _cluster.Exchange.Client.GetGrain<IAccountGrain>(903);
        await bystander.Deposit(10_000_000_000, "d-903");
        Assert.Equal(AccountReject.None, (await bystander.PlaceOrder(otherSymbol, new PlaceOrder(0, Side.Buy, OrderType.Limit, 127_000, 1))).Reject);

        await ReopenThroughTheAuction(_symbol, _index, _feeds);
        Assert.Equal(AccountReject.None, (await buyer.Withdraw(1_000_000, "w-3")).Reject);
    }
}
