using System.Diagnostics;
using System.Globalization;
using System.Net;
using Exchange.LoadGenerator;
using HdrHistogram;

// Load generator: funds --accounts accounts through the admin API, then --concurrency callers place and cancel signed
// orders over keep-alive HTTP for --warmup + --duration seconds, printing a line per second and, at the end, the
// throughput, HDR latency percentiles and answers by HTTP status and error code; --mode all repeats that for REST
// single orders, REST batches and WebSocket order entry on the same accounts and compares them.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Callers + 16,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
}) { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(30) };

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

var markets = await Setup.ReadMarketsAsync(http, options, cancel.Token);
var setupTime = Stopwatch.StartNew();
var accounts = await Setup.CreateAccountsAsync(http, options, markets, cancel.Token);
var burst = new Burst(options);
CancelProbe? probe = null;
if (options.CancelProbe > 0)
{
    probe = new CancelProbe(http, options, markets[0], await Setup.CreateAccountsAsync(http, options with { Accounts = 8 }, markets, cancel.Token), burst);
    await probe.StockAsync(cancel.Token);
}
var loop = options.Rate > 0 ? FormattableString.Invariant($"open loop at {options.Rate:N0} req/s") : "closed loop";
Console.WriteLine(FormattableString.Invariant(
    $"{accounts.Length} accounts funded in {setupTime.Elapsed.TotalSeconds:F1} s; {options.Callers} callers, {loop}, {options.Warmup.TotalSeconds:F0} s warm-up + {options.Duration.TotalSeconds:F0} s on {string.Join(", ", options.Symbols)} against {options.Url}"));

var results = new List<(string Mode, double Requests, double Orders, double Cancels, long P50, long P99)>();
foreach (var mode in options.Modes)
{
    if (cancel.IsCancellationRequested) break;
    if (mode == "ws") await LoadRunner.ConnectAsync(options.Url, accounts, cancel.Token);
    Console.WriteLine();
    Console.WriteLine($"== {mode}" + (mode == "batch" ? FormattableString.Invariant($" ({options.BatchSize} orders a request)") : ""));
    results.Add(await RunPhase(mode));
}
if (results.Count > 1)
{
    Console.WriteLine();
    Console.WriteLine("mode    requests/s   orders/s   cancels/s      p50       p99   orders/s vs rest");
    var rest = results.FirstOrDefault(r => r.Mode == "rest");
    foreach (var r in results)
        Console.WriteLine(FormattableString.Invariant(
            $"{r.Mode,-6} {r.Requests,11:N0} {r.Orders,10:N0} {r.Cancels,11:N0} {LoadStats.Ms(r.P50),9} {LoadStats.Ms(r.P99),9}   {(rest.Orders > 0 ? r.Orders / rest.Orders : 0),5:F2}x"));
}
return 0;

async Task<(string, double, double, double, long, long)> RunPhase(string mode)
{
    var stats = new LoadStats();
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
    var started = Stopwatch.StartNew();
    var run = new LoadRunner(http, options, markets, accounts, stats, mode, burst).RunAsync(stop.Token);
    var probing = probe?.RunAsync(stop.Token) ?? Task.CompletedTask;
    var measuredFrom = TimeSpan.Zero;
    using (var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1)))
    {
        var last = TimeSpan.Zero;
        while (!stop.IsCancellationRequested && await ticker.WaitForNextTickAsync(CancellationToken.None))
        {
            var now = started.Elapsed;
            Console.WriteLine(stats.Interval(now, now - last));
            last = now;
            if (!stats.Measuring && now >= options.Warmup)
            {
                stats.Measuring = true;
                measuredFrom = started.Elapsed;
                burst.StartMeasuring();
            }
            if (stats.Measuring && now - measuredFrom >= options.Duration) stop.Cancel();
        }
    }
    await run;
    await probing;
    var measured = started.Elapsed - measuredFrom;
    stats.Interval(started.Elapsed, TimeSpan.FromSeconds(1)); // the last partial second joins the total

    var total = stats.Total;
    var seconds = measured.TotalSeconds;
    var orders = stats[RequestKind.Place] + stats[RequestKind.Cross];
    Console.WriteLine(FormattableString.Invariant(
        $"measured {seconds:F1} s: {stats.Requests:N0} requests, {stats.Requests / seconds:N0} req/s (orders {orders / seconds:N0}/s of which crossing IOC {stats[RequestKind.Cross] / seconds:N0}/s, cancels {stats[RequestKind.Cancel] / seconds:N0}/s)"));
    Console.WriteLine($"latency per request: p50 {LoadStats.Ms(total.GetValueAtPercentile(50))}  p90 {LoadStats.Ms(total.GetValueAtPercentile(90))}  " +
                      $"p99 {LoadStats.Ms(total.GetValueAtPercentile(99))}  p99.9 {LoadStats.Ms(total.GetValueAtPercentile(99.9))}  " +
                      $"max {LoadStats.Ms(total.GetMaxValue())}");
    Console.WriteLine("status per order or cancel: " + string.Join(", ", stats.Statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "transport error" : s.Key)}: {s.Value:N0}")));
    if (!stats.Codes.IsEmpty)
        Console.WriteLine("error codes: " + string.Join(", ", stats.Codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key}: {c.Value:N0}")));
    if (burst.Enabled)
    {
        var after = measured - options.BurstAt - options.BurstFor;
        foreach (var line in stats.PhaseReport(options.BurstAt, options.BurstFor, after < TimeSpan.Zero ? TimeSpan.Zero : after)) Console.WriteLine(line);
    }
    foreach (var line in probe?.Report() ?? []) Console.WriteLine(line);
    return (mode, stats.Requests / seconds, orders / seconds, stats[RequestKind.Cancel] / seconds,
        total.GetValueAtPercentile(50), total.GetValueAtPercentile(99));
}
