using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Markets;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// What the grains do when time passes, driven by the fake clock: commands carry the clock's time into the journal,
/// a market snapshots once its interval has passed, and a quiet account snapshots once its interval has passed and
/// not before.
/// </summary>
public sealed class TimedBehaviourTests : IAsyncLifetime
{
    private FakeTimeCluster _cluster = null!;
    private readonly string _symbol = MarketTestData.NewSymbol("FT");

    public async Task InitializeAsync()
    {
        _cluster = await FakeTimeCluster.StartAsync();
        await _cluster.Exchange.CreateMarket(_symbol);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IMarketGrain Market => _cluster.Exchange.Market(_symbol);

    private static long Micros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    [Fact]
    public async Task Events_carry_the_time_of_the_clock_the_market_runs_on()
    {
        var outcome = await Market.Execute(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 1_000, 1)));
        Assert.Equal(Micros(_cluster.Clock.GetUtcNow()), outcome.Events.Single().Timestamp);
        _cluster.Advance(TimeSpan.FromHours(3));
        outcome = await Market.Execute(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 999, 1)));
        Assert.Equal(Micros(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero)), outcome.Events.Single().Timestamp);
    }

    [Fact]
    public async Task A_market_snapshots_once_its_interval_has_passed()
    {
        var interval = new MarketOptions().SnapshotInterval;
        await Market.Execute(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 1_000, 1)));
        _cluster.Advance(interval - TimeSpan.FromSeconds(1));
        await Market.Execute(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 999, 1)));
        Assert.Null(await _cluster.Journal.LatestSnapshot(_symbol, CancellationToken.None));

        _cluster.Advance(TimeSpan.FromSeconds(1));
        await Market.Execute(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 998, 1)));
        // Saved off the market's turn once the batch committed.
        var snapshot = await Eventually(async () =>
            await _cluster.Journal.LatestSnapshot(_symbol, CancellationToken.None) ?? throw new InvalidOperationException("no snapshot yet"));
        Assert.Equal(3, snapshot.Sequence);
    }

    [Fact]
    public async Task A_quiet_account_snapshots_once_its_interval_has_passed()
    {
        var options = new AccountOptions();
        var account = _cluster.Exchange.Client.GetGrain<IAccountGrain>(7);
        await account.Deposit(1_000_000_000, "d-7");
        Assert.Equal(AccountReject.None, (await account.PlaceOrder(_symbol, new PlaceOrder(0, Side.Buy, OrderType.Limit, 1_000, 1))).Reject);

        // Timer ticks before the interval find nothing due. The account's own clock is the fake one, so however long
        // the real run takes, it has seen less than the interval.
        for (var passed = TimeSpan.Zero; passed + options.SnapshotCheckInterval < options.SnapshotInterval; passed += options.SnapshotCheckInterval)
            _cluster.Advance(options.SnapshotCheckInterval);
        await account.GetView(); // a call queued behind any timer tick that was due
        Assert.Null(await _cluster.Store.LoadSnapshot(7, CancellationToken.None));

        _cluster.Advance(options.SnapshotCheckInterval);
        var stored = await Eventually(async () =>
            await _cluster.Store.LoadSnapshot(7, CancellationToken.None) ?? throw new InvalidOperationException("no snapshot yet"));
        Assert.Equal(1_000_000_000, stored.Snapshot.Collateral);
        Assert.Single(stored.Snapshot.Markets.Single().Orders);
    }
}
