using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Exchange.PriceFeeds;

namespace Exchange.FeedTool;

/// <summary>
/// The feed benchmark (<c>FeedTool bench</c>), against a running gateway: registers <c>--indices</c> indices of
/// <c>--feeds</c> feeds each and a market following each index, then
/// (1) ingestion: every feed publishes as fast as its answers come back (closed loop, <c>--batch</c> prices a request)
/// for <c>--duration</c> seconds; prices accepted per second through the gateway, by answer;
/// (2) publish to mark: <c>--samples</c> times, the first index's feeds publish a new price together and a client polls
/// the first market until its journaled mark shows it; the time from the first publish to the mark (it includes waiting
/// for the oracle's next tick). Stops by itself; talks only to <c>--url</c>.
/// </summary>
internal static class FeedBench
{
    private const long BasePrice = 100 * PriceUnits.Scale;

    public static async Task<int> RunAsync(HttpClient http, string adminToken, int indices, int feedsPerIndex, int batch,
        TimeSpan duration, int samples, CancellationToken cancel)
    {
        var admin = new FeedAdmin(http, adminToken);
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var feeds = new List<FeedPublisher[]>();
        var symbols = new List<string>();
        for (var i = 0; i < indices; i++)
        {
            var index = $"FB{run}-{i}";
            var credentials = await admin.EnsureFeedsAsync(index, new IndexPolicyTerms(MinFeeds: 2, StaleAfterMs: 5_000, MaxDeviationBps: 200),
                Enumerable.Range(1, feedsPerIndex).Select(f => $"bench-{f}"), keyFile: null, cancel);
            feeds.Add([.. credentials.Select(c => new FeedPublisher(http, c, TimeProvider.System))]);
            symbols.Add(await CreateMarketAsync(http, adminToken, $"FB{run}{i}-PERP", index, cancel));
        }
        Console.WriteLine($"{indices} indices x {feedsPerIndex} feeds registered, a market following each; batch {batch} prices/request");

        var answers = new Dictionary<string, long>(StringComparer.Ordinal);
        var latency = new List<double>();
        var accepted = 0L;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            stop.CancelAfter(duration);
            var started = Stopwatch.StartNew();
            await Task.WhenAll(feeds.SelectMany(f => f).Select((feed, n) => Task.Run(async () =>
            {
                var step = 0L;
                while (!stop.IsCancellationRequested)
                {
                    // Timestamps are whole milliseconds and strictly increasing per feed, so a feed publishes at most
                    // 1,000 prices a second: a batch waits until its stamps would not run ahead of the clock.
                    if (feed.LastTimestamp + batch > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                    {
                        await Task.Delay(1, CancellationToken.None);
                        continue;
                    }
                    var prices = Enumerable.Range(0, batch)
                        .Select(_ => new PricePoint(feed.NextTimestamp(), BasePrice + (step++ % 50) * PriceUnits.Scale / 100)).ToArray();
                    var t0 = Stopwatch.GetTimestamp();
                    PriceResult[] results;
                    try { results = await feed.PublishAsync(prices, CancellationToken.None); }
                    catch (HttpRequestException) { results = [new PriceResult(false, "TRANSPORT")]; }
                    lock (answers)
                    {
                        latency.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                        foreach (var r in results)
                        {
                            var key = r.Accepted ? "accepted" : r.Code ?? "refused";
                            answers[key] = answers.GetValueOrDefault(key) + 1;
                            if (r.Accepted) accepted++;
                        }
                    }
                }
            }, CancellationToken.None)));
            var seconds = started.Elapsed.TotalSeconds;
            Console.WriteLine(FormattableString.Invariant(
                $"ingestion: {accepted / seconds:F0} prices/s accepted over {seconds:F1} s by {feeds.Sum(f => f.Length)} feeds; ")
                + FormattableString.Invariant($"request latency p50 {Percentile(latency, 0.5):F1} p99 {Percentile(latency, 0.99):F1} ms; answers: ")
                + string.Join(", ", answers.OrderByDescending(a => a.Value).Select(a => FormattableString.Invariant($"{a.Key} {a.Value}"))));
        }

        // Publish to the journaled mark: the first market's book is empty, so its mark is its index in ticks (0.01).
        var toMark = new List<double>();
        for (var s = 0; s < samples && !cancel.IsCancellationRequested; s++)
        {
            var price = BasePrice + (s % 2 == 0 ? 1 : -1) * PriceUnits.Scale; // 101 and 99 in turn: every sample moves it
            var expected = (price / (PriceUnits.Scale / 100)).ToString(CultureInfo.InvariantCulture);
            // Publishes spread over the oracle's 250 ms tick (else each would land just after the tick that showed the
            // last one, and always wait a whole tick).
            await Task.Delay(s * 37 % 250, cancel);
            var t0 = Stopwatch.GetTimestamp();
            foreach (var feed in feeds[0]) await feed.PublishAsync(price, cancel);
            while (await MarkTicksAsync(http, symbols[0], cancel) != expected)
            {
                if (Stopwatch.GetElapsedTime(t0) > TimeSpan.FromSeconds(10)) throw new InvalidOperationException("the mark never moved");
                await Task.Delay(5, cancel); // ~200 polls/s: resolution well under the oracle's 250 ms tick
            }
            toMark.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine(FormattableString.Invariant(
            $"publish -> journaled mark ({toMark.Count} samples): p50 {Percentile(toMark, 0.5):F0} ms, p99 {Percentile(toMark, 0.99):F0} ms, max {Percentile(toMark, 1):F0} ms ")
            + "(includes waiting for the oracle's next tick)");
        return 0;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static async Task<string> CreateMarketAsync(HttpClient http, string adminToken, string symbol, string index, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/markets")
        {
            Content = JsonContent.Create(new
            {
                symbol, tickSize = "0.01", lotSize = "0.001", minPrice = "0.01", maxPrice = "100000", maxSize = "1000",
                index = new { index, reopenAfterMs = 0, auctionMs = 0 },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request, cancel);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"creating {symbol}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel)}");
        return symbol;
    }

    /// <summary>The market's mark in ticks of 0.01, as text (the API gives it as a decimal string).</summary>
    private static async Task<string?> MarkTicksAsync(HttpClient http, string symbol, CancellationToken cancel)
    {
        using var response = await http.GetAsync($"/api/v1/markets/{symbol}", cancel);
        if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests) return null; // the public limit: ask again
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
        return document.RootElement.TryGetProperty("markPrice", out var mark) && mark.GetString() is { } text
            ? decimal.Parse(text, CultureInfo.InvariantCulture).Scale(100) : null;
    }

    private static string Scale(this decimal value, int by) => (value * by).ToString("0", CultureInfo.InvariantCulture);
}
