using System.Runtime.InteropServices;
using Exchange.Stress.Results;
using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;

namespace Exchange.Stress.Running;

/// <summary>The target cannot play the scenario (a fault it cannot inject): nothing was started.</summary>
public sealed class ScenarioRefusedException(string message) : Exception(message);

/// <summary>
/// Plays one scenario against one target, in phases: set the markets up (indices, feeds, markets, rules, funds), start
/// publishing the path's first price and wait until every market trusts its index and is open, build the population
/// (accounts, deposits, positions), let the makers quote, then start the run's clock: the path plays, faults fire,
/// traders trade, the observer reads; at the end the makers and traders stop, every acknowledged order is asked for,
/// the audit is read at a quiet point, and the result is judged.
/// </summary>
public sealed class ScenarioRunner(Scenario scenario, string scenarioFile, IExchangeTarget target, TextWriter log)
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60), DrainDeadline = TimeSpan.FromSeconds(30);

    public async Task<StressResult> RunAsync(CancellationToken ct)
    {
        if (FaultTimeline.Refusal(scenario, target) is { } refusal) throw new ScenarioRefusedException(refusal);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(scenarioFile)) ?? ".";
        var paths = scenario.Paths.ToDictionary(p => p.Index, p => PricePath.From(p, baseDirectory), StringComparer.Ordinal);
        var random = new Random(scenario.Seed);

        using var http = ExchangeApi.NewHttpClient(target.Gateway);
        var api = new ExchangeApi(http, target.AdminToken);
        var clock = new RunClock();
        var recorder = new Recorder(clock);
        var live = new LiveState();
        var seen = new Observations();
        var schedule = new FaultSchedule(scenario);
        var markets = new Dictionary<string, MarketInfo>(StringComparer.Ordinal);
        var desk = new OrderDesk(api, recorder, markets);
        var population = new PopulationBuilder(api, desk, log);

        log.WriteLine($"{scenario.Name}: setting up {scenario.Markets.Count} market(s) on the {target.Kind} target ({target.Gateway})");
        foreach (var (symbol, info) in await new MarketSetup(api, population).CreateAsync(scenario, ct)) markets[symbol] = info;

        using var background = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var feeds = markets.Values.GroupBy(m => m.Scenario.Index).ToDictionary(g => g.Key, g => g.First().Feeds, StringComparer.Ordinal);
        var player = new PathPlayer(http, clock, schedule, paths, feeds);
        var playing = player.RunAsync(background.Token);
        var observer = new Observer(api, clock, markets, live, seen, () => [.. population.All]);
        var pricing = observer.RunPricesAsync(background.Token);
        await WaitUntilReadyAsync(markets.Keys, live, ct);

        log.WriteLine($"{scenario.Name}: building the population");
        var makerAccounts = new Dictionary<string, StressAccount[]>(StringComparer.Ordinal);
        foreach (var symbol in markets.Keys)
            makerAccounts[symbol] = await population.CreateManyAsync(scenario.Population.Makers.AccountsPerMarket, AccountRole.Maker,
                scenario.Population.Makers.Collateral, symbol, ct);
        var traderAccounts = await population.CreateManyAsync(scenario.Population.Traders.Accounts, AccountRole.Trader,
            scenario.Population.Traders.Collateral, null, ct);
        var positions = new List<BuiltPosition>();
        foreach (var group in scenario.Population.Positions)
        {
            var market = markets[group.Market];
            var index = live.Latest(group.Market)?.Index ?? throw new InvalidOperationException($"{group.Market} lost its index while the population was built");
            positions.AddRange(await population.BuildPositionsAsync(group, market, market.Ticks(index), random, ct));
        }
        await observer.WatchAsync(positions, log, ct);

        using var trading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var makers = new Makers(scenario.Population.Makers, markets, makerAccounts, desk, live, clock, schedule, new Random(random.Next()));
        var making = makers.RunAsync(trading.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1_000, 2 * scenario.Population.Makers.RefreshMs)), ct);   // the books fill

        clock.Start();
        var collected = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Paused: GC.GetTotalPauseDuration());
        var timeline = new FaultTimeline(scenario, target, clock, log);
        timeline.Marks.Enqueue(new TimelineMark(0, "phase", "the path starts"));
        log.WriteLine($"{scenario.Name}: running for {scenario.DurationSeconds} s ({population.All.Count} accounts, {positions.Count} leveraged positions)");
        var traders = new Traders(scenario.Population.Traders, [.. markets.Values], traderAccounts, desk, live, clock, schedule, new Random(random.Next()));
        // The observer's whole-exchange readings (the audit, every account) stop at the scenario's end: the end-of-run checks
        // read the same themselves, and the exchange runs one audit at a time, so at 100,000 accounts each of the checks'
        // audits waited for the observer's (about half of the report's wait). The funds are still read until the checks end.
        using var wholeReadings = new CancellationTokenSource();
        var tasks = new[]
        {
            traders.RunAsync(trading.Token), timeline.RunAsync(trading.Token),
            observer.RunSlowAsync(wholeReadings.Token, background.Token), observer.RunAtRiskAsync(background.Token), observer.RunLiquidationsAsync(background.Token),
        };
        var progress = new Progress(log, clock, recorder, live, seen, makers, markets.Keys.First()).RunAsync(background.Token);
        var durationMs = (long)Math.Round(scenario.DurationSeconds * 1000);
        await clock.UntilAsync(durationMs, ct);

        timeline.Marks.Enqueue(new TimelineMark(clock.NowMs, "phase", "the scenario ends: makers and traders stop"));
        await trading.CancelAsync();
        await wholeReadings.CancelAsync();
        try
        {
            // An exchange far behind answers the last orders and cancels late: report what it did rather than wait for them.
            await Task.WhenAll(making, tasks[0], tasks[1]).WaitAsync(DrainDeadline, ct);
        }
        catch (TimeoutException)
        {
            log.WriteLine($"{scenario.Name}: the makers' and traders' last requests were still unanswered {DrainDeadline.TotalSeconds:0} s after the end; checking without them");
            timeline.Marks.Enqueue(new TimelineMark(clock.NowMs, "phase", "the last orders were still unanswered: checks start without them"));
        }
        // One more second of readings, so what the last orders and liquidations did is seen.
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var endedAt = clock.NowMs;
        log.WriteLine($"{scenario.Name}: checking {recorder.Acknowledged.Count} acknowledged orders and the audit");
        // A collection pauses the exchange too when it runs in this process (the local target): said beside the liquidators.
        log.WriteLine($"{scenario.Name}: garbage collections in the runner's process during the run{(target.Kind == "local" ? " (the exchange's too)" : "")}: "
            + $"{GC.CollectionCount(0) - collected.Gen0} gen0, {GC.CollectionCount(1) - collected.Gen1} gen1, {GC.CollectionCount(2) - collected.Gen2} gen2, "
            + $"paused {(GC.GetTotalPauseDuration() - collected.Paused).TotalMilliseconds:F0} ms");
        foreach (var symbol in markets.Keys)
            if (await api.AdminAsync(HttpMethod.Get, $"/admin/v1/markets/{symbol}/liquidator", null, ct) is { Ok: true } liquidator)
                log.WriteLine($"{scenario.Name}: {symbol} liquidator {liquidator.Body}");
        foreach (var symbol in markets.Keys)
            if (await api.AdminAsync(HttpMethod.Get, $"/admin/v1/markets/{symbol}/journal", null, ct) is { Ok: true } journal)
                log.WriteLine($"{scenario.Name}: {symbol} journal {journal.Body}");
        var final = await new FinalChecks(api, log).RunAsync(recorder.Acknowledged, [.. population.All], ct);
        await background.CancelAsync();
        await Task.WhenAll(playing, pricing, tasks[2], tasks[3], tasks[4], progress);
        observer.CloseOpenIntervals();

        var watched = seen.Watched.Values.OrderBy(w => w.Account.Id).ToList();
        var steps = ResultBuilder.Steps(seen, watched);
        var breakers = seen.Breakers.OrderBy(b => b.From).ToList();
        var prices = seen.Prices.OrderBy(p => p.T).ToList();
        var funds = seen.Funds.OrderBy(f => f.T).ToList();
        var facts = new RunFacts(final, steps, breakers, prices, funds, watched, paths, schedule, recorder.CancelAnswers, recorder.OrderAnswers,
            makers.Withdrawals, markets.ToDictionary(m => m.Key, m => m.Value.FundAccountId), seen.FundAnsweredAt);
        foreach (var (fault, error) in timeline.Failures) log.WriteLine($"fault {fault.Kind} at {fault.At} s could not be injected: {error}");
        var marks = timeline.Marks.OrderBy(m => m.T).ToList();
        var summary = ResultBuilder.Summary(population.All.Count, recorder, facts, marks);
        var verdicts = new Verdicts(scenario, facts).Judge();
        if (seen.LiquidationPagesMissed > 0)
            log.WriteLine($"warning: the liquidation feed had dropped steps before they were read ({seen.LiquidationPagesMissed} times): the series misses some");

        return new StressResult(
            new ScenarioInfo(scenario.Name, scenario.Description, Path.GetFileName(scenarioFile), [.. markets.Keys]),
            new RunInfo(clock.StartedAt, clock.StartedAt.AddMilliseconds(endedAt), target.Kind, Machine(), scenario.Seed, 0),
            new StressSeries(prices, breakers, steps, funds, [.. seen.OpenInterest.OrderBy(o => o.T)], [.. seen.BadDebt.OrderBy(b => b.T)],
                recorder.LatencyBySecond(), recorder.CancelsBySecond()),
            marks,
            summary,
            verdicts);
    }

    private static async Task WaitUntilReadyAsync(IEnumerable<string> symbols, LiveState live, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(ReadyDeadline);
        var list = symbols.ToList();
        while (!list.All(s => live.Latest(s) is { Index: not null, Mode: "open" }))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"the markets did not open on a trusted index within {ReadyDeadline.TotalSeconds} s: " +
                                           string.Join(", ", list.Select(s => $"{s} {live.Latest(s)?.Mode ?? "unread"} index {live.Latest(s)?.Index?.ToString() ?? "untrusted"}")));
            }
        }
    }

    private static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
}
