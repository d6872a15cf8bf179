using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;

namespace Exchange.LoadGenerator;

/// <summary>
/// Measures what a trader pulling quotes sees while the flow around it overloads the venue (<c>--cancel-probe N</c>):
/// its own accounts rest a stock of orders far behind the mid before the measured phase (nothing in the flow reaches
/// them), then cancel them at N a second on an open-loop schedule, one caller per account, each cancel's latency
/// counted from when it was due and attributed to the burst's phase. A cancel must be answered 200 (or 404 when the
/// order is already gone); anything else is counted as refused.
/// </summary>
internal sealed class CancelProbe(HttpClient http, LoadOptions options, Market market, TradingAccount[] accounts, Burst burst)
{
    private const int OffsetTicks = 40; // the flow rests 1-20 ticks behind the mid and crosses at most 3 through it
    private static readonly long HighestMicros = (long)TimeSpan.FromMinutes(2).TotalMicroseconds;
    private readonly List<long>[] _stock = accounts.Select(_ => new List<long>()).ToArray();
    private readonly HistogramBase[] _latency = Burst.Phases.Select(_ => (HistogramBase)new LongHistogram(1, HighestMicros, 3)).ToArray();
    private readonly long[] _accepted = new long[Burst.Phases.Length];
    private readonly long[] _refused = new long[Burst.Phases.Length];

    /// <summary>Rests the orders the measured phase will cancel (rate x duration, spread over the probe's accounts).</summary>
    public async Task StockAsync(CancellationToken cancellationToken)
    {
        var perAccount = (int)Math.Ceiling(options.CancelProbe * (options.Duration.TotalSeconds + options.Warmup.TotalSeconds) / accounts.Length);
        await Parallel.ForAsync(0, accounts.Length, cancellationToken, async (a, ct) =>
        {
            for (var i = 0; i < perAccount; i++)
            {
                var buy = i % 2 == 0;
                var price = (buy ? market.MidTicks - OffsetTicks - i % 50 : market.MidTicks + OffsetTicks + i % 50) * market.TickSize;
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"symbol":"{{market.Symbol}}","side":"{{(buy ? "buy" : "sell")}}","type":"limit","price":"{{price}}","size":"{{market.LotSize}}","timeInForce":"gtc","clientOrderId":"{{accounts[a].NextClientOrderId()}}"}"""));
                using var request = accounts[a].Signer.Sign(HttpMethod.Post, "/api/v1/orders", body);
                using var response = await http.SendAsync(request, ct);
                var answer = Answer.Read(await response.Content.ReadAsByteArrayAsync(ct));
                if ((int)response.StatusCode != 201 || !answer.Rests)
                    throw new InvalidOperationException($"the cancel probe could not rest an order: {(int)response.StatusCode} {answer.Code}");
                _stock[a].Add(answer.OrderId);
            }
        });
    }

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, accounts.Length).Select(a => Task.Run(() => CancelAsync(a, stop), CancellationToken.None)));

    private async Task CancelAsync(int a, CancellationToken stop)
    {
        var interval = (long)(Stopwatch.Frequency * (double)accounts.Length / options.CancelProbe);
        var due = Stopwatch.GetTimestamp() + Random.Shared.NextInt64(Math.Max(1, interval));
        foreach (var orderId in _stock[a])
        {
            var now = Stopwatch.GetTimestamp();
            if (due > now)
            {
                try { await Task.Delay(Stopwatch.GetElapsedTime(now, due), stop); }
                catch (OperationCanceledException) { return; }
            }
            if (stop.IsCancellationRequested) return;
            var start = due;
            due += interval;
            int status;
            try
            {
                using var request = accounts[a].Signer.Sign(HttpMethod.Delete, $"/api/v1/orders/{orderId}?symbol={market.Symbol}", null);
                using var response = await http.SendAsync(request, CancellationToken.None);
                status = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                status = 0;
            }
            var phase = burst.PhaseAt(start);
            lock (_latency)
            {
                _latency[phase].RecordValue(Math.Clamp((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds, 1, HighestMicros));
                if (status is 200 or 404) _accepted[phase]++;
                else _refused[phase]++;
            }
        }
    }

    public IEnumerable<string> Report()
    {
        for (var p = 0; p < Burst.Phases.Length; p++)
        {
            var h = _latency[p];
            if (h.TotalCount == 0) continue;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"cancel probe {Burst.Phases[p],-6}: {_accepted[p]:N0} accepted, {_refused[p]:N0} refused, p50 {LoadStats.Ms(h.GetValueAtPercentile(50))}  p99 {LoadStats.Ms(h.GetValueAtPercentile(99))}  max {LoadStats.Ms(h.GetMaxValue())}");
        }
    }
}
