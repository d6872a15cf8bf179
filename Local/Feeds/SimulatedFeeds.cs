using Exchange.Client.Security;
using Exchange.Local.Demo;
using Exchange.Matching;
using Exchange.PriceFeeds;

namespace Exchange.Local.Feeds;

/// <summary>What the local run feeds: the demo markets that follow an index, and where the feeds' keys are kept (null: nowhere).</summary>
internal sealed record SimulatedFeedsOptions(IReadOnlyList<MarketSpec> Markets, string? KeyFile);

/// <summary>
/// The local run's SIMULATED index prices: once the gateway listens, it configures each demo market's index, registers
/// three feeds (sim-1..3) through the admin API and publishes, every half second, a seeded random walk in the market's
/// ticks from near the demo's mid, with each feed's own small noise (whole cents, within two ticks), through the same
/// signed feed API as any feed.
/// These prices are made up; nothing here reads a real market. A failure stops the feeds, never the exchange.
/// </summary>
internal sealed class SimulatedFeeds(SimulatedFeedsOptions options, IHostApplicationLifetime lifetime, IServiceProvider services,
    AdminToken adminToken, TimeProvider clock) : BackgroundService
{
    public const int FeedsPerIndex = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly IndexPolicyTerms Policy = new(MinFeeds: 2, StaleAfterMs: 5_000, MaxDeviationBps: 200);
    private static readonly long Cent = PriceUnits.Scale / 100;
    private static readonly string[] Names = [.. Enumerable.Range(1, FeedsPerIndex).Select(i => $"sim-{i}")];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Registration goes through the gateway's own HTTP API, so it waits until the gateway listens.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
                await started.Task;
            using var http = new HttpClient { BaseAddress = new Uri(GatewayAddress.Of(services)), Timeout = TimeSpan.FromSeconds(10) };
            var admin = new FeedAdmin(http, adminToken.Value);
            var seed = Random.Shared.Next();
            var runners = new List<FeedRunner>();
            foreach (var (market, i) in options.Markets.Where(m => m.Index is not null).Select((m, i) => (m, i)))
            {
                var index = market.Index!.Index;
                var credentials = await admin.EnsureFeedsAsync(index, Policy, Names, options.KeyFile, stoppingToken);
                var tick = Units(market.TickSize);
                var walk = new RandomWalk(seed + i, Units(DemoPrices.StartingMid(market.Symbol)), tick, maxSteps: 2, Interval);
                var feeds = credentials.Select((c, f) => new SimulatedFeed(new FeedPublisher(http, c, clock),
                    new FeedNoise(FeedNoise.SeedFor(seed + i, f), 2 * tick, Cent), FaultSchedule.None.For(c.Name))).ToArray();
                runners.Add(new FeedRunner(walk, feeds, new FeedRunLimits(Interval), clock, Console.Out));
                Console.WriteLine($"Feeds: SIMULATED prices for {index} ({market.Symbol} follows it) from {string.Join(", ", Names)}: a random walk " +
                                  $"from {PriceUnits.Format(walk.Price)} (seed {seed + i}), not market data. --no-feeds turns them off.");
            }
            await Task.WhenAll(runners.Select(r => r.RunAsync(stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
        {
            Console.WriteLine($"Simulated feeds stopped: {ex.Message}");
        }
    }

    // A decimal price of at most 8 decimals in index units, exactly.
    private static long Units(decimal price) =>
        PriceUnits.Parse(price.ToString(System.Globalization.CultureInfo.InvariantCulture), "price");
}
