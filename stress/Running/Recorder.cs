using System.Collections.Concurrent;
using Exchange.Stress.Results;

namespace Exchange.Stress.Running;

/// <summary>What became of one order the runner sent, as the gateway answered.</summary>
internal enum OrderOutcome { Acknowledged, Refused, Unknown }

/// <summary>An order the gateway acknowledged: where to ask for it at the end.</summary>
internal readonly record struct AcknowledgedOrder(StressAccount Account, string Symbol, string ClientOrderId, long At);

/// <summary>
/// Every order and cancel answer of the run, thread-safe: counts, the acknowledged orders (checked at the end), and the
/// latency and cancel outcomes per second of the run's clock. Only answers during the run (clock at or after 0) go into
/// the per-second series; building the population is not the scenario.
/// </summary>
internal sealed class Recorder(RunClock clock)
{
    private readonly ConcurrentQueue<(long Second, double Ms)> _latencies = new();
    private readonly ConcurrentQueue<(long At, bool Accepted, string? Code)> _cancels = new();
    private readonly ConcurrentQueue<(long At, OrderOutcome Outcome)> _orders = new();
    private long _sent, _acknowledged, _refused, _unknown, _cancelsAccepted, _cancelsRefused;

    public ConcurrentQueue<AcknowledgedOrder> Acknowledged { get; } = new();

    public ConcurrentDictionary<string, int> RefusalCodes { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);

    public long AcknowledgedCount => Interlocked.Read(ref _acknowledged);

    public long Refused => Interlocked.Read(ref _refused);

    public long Unknown => Interlocked.Read(ref _unknown);

    public long CancelsAccepted => Interlocked.Read(ref _cancelsAccepted);

    public long CancelsRefused => Interlocked.Read(ref _cancelsRefused);

    public void Order(StressAccount account, string symbol, string clientOrderId, int status, string? code, double ms)
    {
        var now = clock.NowMs;
        Interlocked.Increment(ref _sent);
        OrderOutcome outcome;
        if (status is 200 or 201)
        {
            outcome = OrderOutcome.Acknowledged;
            Interlocked.Increment(ref _acknowledged);
            Acknowledged.Enqueue(new AcknowledgedOrder(account, symbol, clientOrderId, now));
        }
        else if (status == 0 || code is "OUTCOME_UNKNOWN" || status >= 500 && code is null)
        {
            outcome = OrderOutcome.Unknown;
            Interlocked.Increment(ref _unknown);
        }
        else
        {
            outcome = OrderOutcome.Refused;
            Interlocked.Increment(ref _refused);
        }
        if (outcome != OrderOutcome.Acknowledged) RefusalCodes.AddOrUpdate(code ?? $"HTTP_{status}", 1, (_, n) => n + 1);
        if (now < 0) return;
        _orders.Enqueue((now, outcome));
        if (status != 0) _latencies.Enqueue((now / 1000, ms));
    }

    /// <summary>A cancel's answer: accepted when it cancelled, or the order was already gone (404).</summary>
    public void Cancel(int status, string? code)
    {
        var accepted = status == 200 || (status == 404 && code == "ORDER_NOT_FOUND");
        Interlocked.Increment(ref accepted ? ref _cancelsAccepted : ref _cancelsRefused);
        var now = clock.NowMs;
        if (now >= 0) _cancels.Enqueue((now, accepted, code ?? (status == 0 ? "NO_ANSWER" : null)));
    }

    public IReadOnlyList<(long At, bool Accepted, string? Code)> CancelAnswers => [.. _cancels];

    public IReadOnlyList<(long At, OrderOutcome Outcome)> OrderAnswers => [.. _orders];

    public IReadOnlyList<LatencySecond> LatencyBySecond() =>
        [.. _latencies.GroupBy(l => l.Second).OrderBy(g => g.Key).Select(g =>
        {
            var sorted = g.Select(x => x.Ms).Order().ToArray();
            return new LatencySecond(g.Key, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
        })];

    public IReadOnlyList<CancelSecond> CancelsBySecond() =>
        [.. _cancels.GroupBy(c => c.At / 1000).OrderBy(g => g.Key)
            .Select(g => new CancelSecond(g.Key, g.Count(c => c.Accepted), g.Count(c => !c.Accepted)))];

    public static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 2);
}
