using Exchange.FeedTool;
using Exchange.PriceFeeds;

// Feed tool: publishes one index's prices for several feeds through the gateway's signed feed API, from a CSV replay
// or a seeded random walk, with faults injected per feed; stops by itself (--duration, --count, the CSV's end).
if (args is ["bench", .. var rest]) return await BenchAsync(rest);

FeedToolOptions options;
try
{
    options = FeedToolOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(FeedToolOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
using var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(10) };

IPriceSource source;
string described;
try
{
    if (options.Csv is { } csv)
    {
        var replay = new CsvReplay(CsvPriceReader.ReadFile(csv, options.TimeColumn, options.PriceColumn), options.SpeedPermille, options.FromMs);
        source = replay;
        described = $"replay of {csv} ({replay.RecordedSpan} of data in {replay.Duration} at {options.SpeedPermille / 1000m}x)";
    }
    else
    {
        source = new RandomWalk(options.Seed, options.Start, options.Step, options.MaxSteps, options.Interval);
        described = $"random walk from {PriceUnits.Format(options.Start)} in steps of {PriceUnits.Format(options.Step)} (seed {options.Seed})";
    }
}
catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or UnauthorizedAccessException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

FeedCredentials[] credentials;
try
{
    credentials = options.AdminToken is { } token
        ? await new FeedAdmin(http, token).EnsureFeedsAsync(options.Index, options.Policy, options.Feeds, options.KeyFile, cancel.Token)
        : KeptFeeds(options);
}
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

var feeds = credentials.Select((c, i) => new SimulatedFeed(new FeedPublisher(http, c, TimeProvider.System),
    new FeedNoise(FeedNoise.SeedFor(options.Seed, i), options.NoiseUnits, NoiseGranule(options.NoiseUnits)), options.Faults.For(c.Name))).ToArray();
Console.WriteLine($"{options.Index}: {feeds.Length} feeds ({string.Join(", ", credentials.Select(c => c.FeedId))}) publishing a {described}, " +
                  $"noise +-{PriceUnits.Format(options.NoiseUnits)}, every {options.Interval.TotalMilliseconds} ms to {options.Url}, for at most {options.Duration}" +
                  (options.Rounds is { } n ? $" or {n} rounds" : ""));
foreach (var fault in options.Faults.Faults) Console.WriteLine($"  fault: {Describe(fault)}");

var runner = new FeedRunner(source, feeds, new FeedRunLimits(options.Interval, options.Duration, options.Rounds), TimeProvider.System,
    Console.Out, TimeSpan.FromSeconds(5));
await runner.RunAsync(cancel.Token);
Console.WriteLine($"done: {runner.Stats}");
return runner.Stats.Accepted > 0 ? 0 : 1;

static FeedCredentials[] KeptFeeds(FeedToolOptions options)
{
    var kept = FeedKeyFile.Load(options.KeyFile!).Where(f => f.Index == options.Index).ToArray();
    if (!options.FeedsGiven) return kept.Length > 0 ? kept : throw new InvalidOperationException($"{options.KeyFile} holds no feed of {options.Index}");
    return [.. options.Feeds.Select(name => kept.FirstOrDefault(f => f.Name == name)
        ?? throw new InvalidOperationException($"{options.KeyFile} holds no keys for {options.Index} feed '{name}'"))];
}

// Noise of whole cents reads as a price would; a finer amplitude keeps its units.
static long NoiseGranule(long noise) => noise % (PriceUnits.Scale / 100) == 0 ? PriceUnits.Scale / 100 : 1;

static string Describe(Fault fault)
{
    var who = fault.Feed ?? "every feed";
    var when = fault.Until is { } until ? $"from {fault.From} until {until}" : $"from {fault.From}";
    return fault.Kind switch
    {
        FaultKind.Lie => $"{who} lies by {(fault.OffsetBps != 0 ? $"{fault.OffsetBps:+#;-#} bps" : "")}{(fault.OffsetUnits != 0 ? $" {(fault.OffsetUnits > 0 ? "+" : "")}{PriceUnits.Format(fault.OffsetUnits)}" : "")} {when}",
        FaultKind.Freeze => $"{who} stops publishing {when}",
        _ => $"{who} repeats its last price {when}",
    };
}

// bench --token T [--url U] [--indices 10] [--feeds 3] [--batch 1] [--duration 20] [--samples 40]: see FeedBench.
static async Task<int> BenchAsync(string[] args)
{
    var values = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2) values[args[i].TrimStart('-')] = args[i + 1];
    int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    var token = values.GetValueOrDefault("token") ?? Environment.GetEnvironmentVariable("EXCHANGE_ADMIN_TOKEN");
    if (string.IsNullOrEmpty(token) || args.Length % 2 != 0)
    {
        Console.Error.WriteLine("usage: FeedTool bench --token ADMIN_TOKEN [--url http://localhost:5000] [--indices 10] [--feeds 3] [--batch 1] [--duration 20] [--samples 40]");
        return 2;
    }
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false })
    {
        BaseAddress = new Uri(values.GetValueOrDefault("url") ?? "http://localhost:5000"), Timeout = TimeSpan.FromSeconds(10),
    };
    return await FeedBench.RunAsync(http, token, Int("indices", 10), Int("feeds", 3), Int("batch", 1),
        TimeSpan.FromSeconds(Int("duration", 20)), Int("samples", 40), cancel.Token);
}
