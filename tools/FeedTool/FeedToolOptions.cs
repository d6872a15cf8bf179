using System.Globalization;
using Exchange.PriceFeeds;

namespace Exchange.FeedTool;

/// <summary>The command line: <c>--name value</c> pairs (faults may repeat), with the defaults in <see cref="Usage"/>.</summary>
internal sealed record FeedToolOptions
{
    public const string Usage = """
        usage: dotnet run --project tools/FeedTool -- [options]
          --url URL              the gateway, the only address called (http://localhost:5000)
          --index NAME           the index to publish (BTC-USD)
          --feeds A,B,C | N      feed names, or N for sim-1..sim-N (3)
          --token TOKEN          admin token (or EXCHANGE_ADMIN_TOKEN): configure the index and register the feeds
          --keys FILE            feed keys kept between runs: used for names already registered, new keys added;
                                 without --token every feed's keys must be in it
          --min-feeds N          index policy set with --token (2)
          --stale-after-ms MS    (5000)
          --max-deviation-bps B  (200)
        source, a seeded random walk unless --csv:
          --csv FILE             replay times and prices from a CSV (header detected)
          --time-column C        by header name or 1-based number (open_time_ms, timestamp, time, ts, ..., else 1)
          --price-column C       (close, price, value, else 2)
          --speed X              replay speed: 60 = a minute of data a second (60)
          --from TIME            replay from the first row at or after TIME (ISO 8601 or Unix ms)
          --start PRICE          the walk's first price (65000)
          --step PRICE           the walk's step (0.5)
          --max-steps N          steps per interval drawn from -N..N (2)
          --seed N               seed of the walk and of each feed's noise (1)
          --noise PRICE          each feed's own noise, uniform within +-PRICE (1 for the walk, 0 for a CSV)
        faults, in time since the start (WHEN = 30s, 1m30s, 500ms; @FROM..UNTIL for a window):
          --lie FEED:+800bps@WHEN   publish the honest price moved by basis points (or by a price: FEED:-150@WHEN)
          --freeze FEED@WHEN        stop publishing
          --flatline FEED@WHEN      keep publishing the last price, with fresh timestamps
          --freeze-all@WHEN, --flatline-all@WHEN
        limits, it always stops by itself:
          --interval MS          publishing interval (500)
          --duration D           run at most this long, 24h at most (10m; a CSV replay also ends with its data)
          --count N              at most N publishing rounds
        """;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);

    public Uri Url { get; init; } = new("http://localhost:5000");
    public string Index { get; init; } = "BTC-USD";
    public string[] Feeds { get; init; } = ["sim-1", "sim-2", "sim-3"];
    public bool FeedsGiven { get; init; }
    public string? AdminToken { get; init; }
    public string? KeyFile { get; init; }
    public IndexPolicyTerms Policy { get; init; } = new();
    public string? Csv { get; init; }
    public CsvColumn? TimeColumn { get; init; }
    public CsvColumn? PriceColumn { get; init; }
    public long SpeedPermille { get; init; } = 60_000;
    public long? FromMs { get; init; }
    public long Start { get; init; } = 65_000 * PriceUnits.Scale;
    public long Step { get; init; } = PriceUnits.Scale / 2;
    public int MaxSteps { get; init; } = 2;
    public int Seed { get; init; } = 1;
    public long? Noise { get; init; }
    public FaultSchedule Faults { get; init; } = FaultSchedule.None;
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);
    public long? Rounds { get; init; }

    public long NoiseUnits => Noise ?? (Csv is null ? PriceUnits.Scale : 0);

    public static FeedToolOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var faults = new List<Fault>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected --name value, got '{arg}'");
            // --freeze-all@60s is one word; --freeze-all 60s two.
            var at = arg.IndexOf('@', StringComparison.Ordinal);
            var name = at < 0 ? arg[2..] : arg[2..at];
            string Value() => at >= 0 ? arg[at..] : i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (name)
            {
                case "lie": faults.Add(Fault.ParseLie(Value())); break;
                case "freeze": faults.Add(Fault.ParseStop(FaultKind.Freeze, Value(), all: false)); break;
                case "flatline": faults.Add(Fault.ParseStop(FaultKind.Flatline, Value(), all: false)); break;
                case "freeze-all": faults.Add(Fault.ParseStop(FaultKind.Freeze, Value(), all: true)); break;
                case "flatline-all": faults.Add(Fault.ParseStop(FaultKind.Flatline, Value(), all: true)); break;
                default:
                    if (at >= 0) throw new ArgumentException($"unknown option {arg}");
                    if (!values.TryAdd(name, Value())) throw new ArgumentException($"--{name} given twice");
                    break;
            }
        }

        string? Text(string name) => values.Remove(name, out var v) ? v : null;
        int Int(string name, int fallback, int min, int max) => Text(name) is { } t
            ? int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n : throw new ArgumentException($"--{name} must be a whole number from {min} to {max}")
            : fallback;
        long Price(string name, long fallback) => Text(name) is { } t ? PriceUnits.Parse(t, $"--{name}") : fallback;

        var feedsText = Text("feeds");
        var options = new FeedToolOptions
        {
            Url = Text("url") is { } url ? new Uri(url, UriKind.Absolute) : new Uri("http://localhost:5000"),
            Index = Text("index") ?? "BTC-USD",
            Feeds = feedsText is null ? ["sim-1", "sim-2", "sim-3"] : FeedNames(feedsText),
            FeedsGiven = feedsText is not null,
            AdminToken = Text("token") ?? Environment.GetEnvironmentVariable("EXCHANGE_ADMIN_TOKEN"),
            KeyFile = Text("keys"),
            Policy = new IndexPolicyTerms(Int("min-feeds", 2, 1, 100), Int("stale-after-ms", 5_000, 1, 3_600_000), Int("max-deviation-bps", 200, 1, 10_000)),
            Csv = Text("csv"),
            TimeColumn = Text("time-column") is { } tc ? CsvColumn.Parse(tc) : null,
            PriceColumn = Text("price-column") is { } pc ? CsvColumn.Parse(pc) : null,
            SpeedPermille = Text("speed") is { } speed ? Speed(speed) : 60_000,
            FromMs = Text("from") is { } from ? Time(from) : null,
            Start = Price("start", 65_000 * PriceUnits.Scale),
            Step = Price("step", PriceUnits.Scale / 2),
            MaxSteps = Int("max-steps", 2, 0, 1_000),
            Seed = Int("seed", 1, int.MinValue, int.MaxValue),
            Noise = Text("noise") is { } noise ? PriceUnits.Parse(noise, "--noise") : null,
            Faults = new FaultSchedule(faults),
            Interval = TimeSpan.FromMilliseconds(Int("interval", 500, 10, 3_600_000)),
            Duration = Text("duration") is { } d ? Fault.ParseDuration(d, "--duration") : TimeSpan.FromMinutes(10),
            Rounds = Text("count") is { } count ? long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0
                ? r : throw new ArgumentException("--count must be a positive whole number") : null,
        };
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (options.Url.Scheme is not ("http" or "https")) throw new ArgumentException("--url must be an http or https address");
        if (options.Duration <= TimeSpan.Zero || options.Duration > MaxDuration) throw new ArgumentException("--duration must be between 1ms and 24h");
        if (options.Start <= 0 || options.Step <= 0) throw new ArgumentException("--start and --step must be positive");
        if (options.AdminToken is null && options.KeyFile is null)
            throw new ArgumentException("give --token (to register the feeds) or --keys (the keys of feeds already registered)");
        foreach (var fault in options.Faults.Faults)
            if (fault.Feed is { } feed && !options.Feeds.Contains(feed, StringComparer.Ordinal))
                throw new ArgumentException($"a fault names feed '{feed}', which is not among --feeds {string.Join(",", options.Feeds)}");
        return options;
    }

    private static string[] FeedNames(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return count is >= 1 and <= 100 ? [.. Enumerable.Range(1, count).Select(i => $"sim-{i}")] : throw new ArgumentException("--feeds N: 1 to 100");
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Length) throw new ArgumentException("--feeds: distinct names, comma-separated");
        return names;
    }

    // "60", "60x" or "0.5": permille of real speed.
    private static long Speed(string text)
    {
        var trimmed = text.EndsWith('x') ? text[..^1] : text;
        if (!PriceUnits.TryParse(trimmed, out var units) || units % 100_000 != 0 || units / 100_000 is < 1 or > 100_000_000)
            throw new ArgumentException("--speed must be a factor from 0.001 to 100000 with at most 3 decimals");
        return units / 100_000;
    }

    private static long Time(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeMilliseconds()
        : throw new ArgumentException($"--from '{text}' is neither Unix ms nor an ISO 8601 time");
}
