using System.Net;
using System.Text.Json;
using Exchange.PriceFeeds;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.FeedTool;

public sealed class FeedRunnerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly string[] Names = ["sim-1", "sim-2", "sim-3"];

    private sealed class Constant(long price) : IPriceSource
    {
        public long? PriceAt(TimeSpan elapsed) => price;
    }

    private static SimulatedFeed[] Feeds(HttpClient http, TimeProvider clock, FaultSchedule faults, long noise = 0) =>
        [.. Names.Select((name, i) => new SimulatedFeed(
            new FeedPublisher(http, new FeedCredentials("BTC-USD", name, $"BTC-USD.{name}", $"key-{name}", "s"), clock),
            new FeedNoise(FeedNoise.SeedFor(1, i), noise), faults.For(name)))];

    [Fact]
    public void The_plan_applies_each_feeds_faults_to_its_own_price()
    {
        var clock = new FakeTimeProvider();
        using var http = new RecordingHandler((HttpStatusCode.OK, "")).Client();
        var faults = new FaultSchedule([Fault.ParseLie("sim-2:+800bps@30s"), Fault.ParseStop(FaultKind.Freeze, "sim-1@20s", all: false)]);
        var runner = new FeedRunner(new Constant(64_000 * PriceUnits.Scale), Feeds(http, clock, faults), new FeedRunLimits(Interval), clock);

        Assert.Equal([64_000L, 64_000, 64_000], runner.Plan(TimeSpan.FromSeconds(10))!.Select(p => p.Price / PriceUnits.Scale));
        Assert.Equal(["sim-2", "sim-3"], runner.Plan(TimeSpan.FromSeconds(20))!.Select(p => p.Feed.Name));
        Assert.Equal([69_120L, 64_000], runner.Plan(TimeSpan.FromSeconds(30))!.Select(p => p.Price / PriceUnits.Scale));
        Assert.Equal(2, runner.Stats.Withheld);
    }

    [Fact]
    public void Noise_keeps_feeds_apart_but_near_the_honest_price()
    {
        var clock = new FakeTimeProvider();
        using var http = new RecordingHandler((HttpStatusCode.OK, "")).Client();
        var runner = new FeedRunner(new Constant(64_000 * PriceUnits.Scale), Feeds(http, clock, FaultSchedule.None, noise: PriceUnits.Scale),
            new FeedRunLimits(Interval), clock);
        var prices = Enumerable.Range(0, 20).SelectMany(i => runner.Plan(TimeSpan.FromSeconds(i))!.Select(p => p.Price)).ToArray();
        Assert.All(prices, p => Assert.InRange(p, 63_999 * PriceUnits.Scale, 64_001 * PriceUnits.Scale));
        Assert.True(prices.Distinct().Count() > 3);
    }

    [Fact]
    public async Task A_run_stops_by_itself_after_its_rounds_and_counts_the_answers()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var gateway = new RecordingHandler((HttpStatusCode.OK, """{"results":[{"status":"accepted"}]}"""));
        using var http = gateway.Client();
        var faults = new FaultSchedule([Fault.ParseStop(FaultKind.Freeze, "sim-3@0s", all: false)]);
        var runner = new FeedRunner(new Constant(64_000 * PriceUnits.Scale), Feeds(http, clock, faults), new FeedRunLimits(Interval, Rounds: 3), clock);

        var run = runner.RunAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!run.IsCompleted)
        {
            // Each round's requests are answered at once; advance the fake clock to the next round when they are in.
            if (gateway.Requests.Count >= 2 * (int)runner.Stats.Rounds) clock.Advance(Interval);
            await Task.Yield();
            deadline.Token.ThrowIfCancellationRequested();
        }
        await run;

        Assert.Equal(3, runner.Stats.Rounds);
        Assert.Equal(6, runner.Stats.Accepted);
        Assert.Equal(3, runner.Stats.Withheld);
        Assert.Equal(["key-sim-1", "key-sim-2"], gateway.Requests.Select(r => r.Request.Headers.GetValues("X-API-KEY").Single()).Distinct().Order());
        Assert.All(gateway.Requests, r => Assert.Equal("64000", JsonDocument.Parse(r.Body).RootElement.GetProperty("price").GetString()));
    }

    [Fact]
    public async Task A_run_ends_when_the_replay_runs_out()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var gateway = new RecordingHandler((HttpStatusCode.BadRequest, """{"code":"TIMESTAMP_IN_FUTURE","message":"no"}"""));
        using var http = gateway.Client();
        var replay = new CsvReplay([new PricePoint(0, 1), new PricePoint(60_000, 2)], speedPermille: 60_000);
        var log = new StringWriter();
        var runner = new FeedRunner(replay, Feeds(http, clock, FaultSchedule.None), new FeedRunLimits(Interval), clock, log);

        var run = runner.RunAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!run.IsCompleted)
        {
            if (gateway.Requests.Count >= 3 * (int)runner.Stats.Rounds) clock.Advance(Interval);
            await Task.Yield();
            deadline.Token.ThrowIfCancellationRequested();
        }
        await run;

        Assert.Equal(3, runner.Stats.Rounds); // 0 s, 0.5 s, 1 s; at 1.5 s the minute of data is over
        Assert.Equal(9, runner.Stats.Refused["TIMESTAMP_IN_FUTURE"]);
        Assert.Contains("TIMESTAMP_IN_FUTURE no", log.ToString(), StringComparison.Ordinal);
    }
}
