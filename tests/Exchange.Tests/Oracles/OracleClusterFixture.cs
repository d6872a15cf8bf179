using Exchange.Oracles;
using Exchange.Pricing;
using Exchange.Tests.FakeTime;

namespace Exchange.Tests.Oracles;

/// <summary>
/// One fake-time silo for the oracle tests of a class (each test uses its own index); the clock only moves when a
/// test moves it, in steps of the oracle's tick so that every timer tick runs at its own time.
/// </summary>
public sealed class OracleClusterFixture : IAsyncLifetime
{
    public FakeTimeCluster Cluster { get; private set; } = null!;

    public static TimeSpan Tick { get; } = new OracleOptions().TickInterval;

    public long Now => Cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public IOracleGrain Oracle(string index) => Cluster.Exchange.Client.GetGrain<IOracleGrain>(index);

    public async Task InitializeAsync() => Cluster = await FakeTimeCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Moves the clock tick by tick, each followed by a call queued behind the oracle's tick that was due.</summary>
    public async Task Pass(TimeSpan time, params IOracleGrain[] oracles)
    {
        for (var passed = TimeSpan.Zero; passed < time; passed += Tick)
        {
            Cluster.Advance(Tick);
            foreach (var oracle in oracles) await oracle.GetIndex();
        }
    }

    /// <summary>A configured index with feeds "a", "b" and "c"; returns their ids.</summary>
    public async Task<string[]> Create(string index, IndexPolicy? policy = null, VolatilityPolicy? volatility = null)
    {
        var oracle = Oracle(index);
        await oracle.Configure(policy ?? IndexPolicy.Default, volatility);
        return [await oracle.AddFeed("a"), await oracle.AddFeed("b"), await oracle.AddFeed("c")];
    }

    public async Task<PublishResult> Publish(IOracleGrain oracle, string feed, long price, long? at = null) =>
        (await oracle.Publish(feed, [new FeedPrice(price, at ?? Now)])).Single();
}
