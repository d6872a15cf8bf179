using System.Collections.Concurrent;
using Exchange.Client.Contracts;

namespace Exchange.Stress.Running;

/// <summary>What the end-of-run reads found: orders not found, the final audit, and negative equity by account.</summary>
/// <param name="UnknownToMemory">Orders the markets' memory did not know, each then asked for through the trader's API.</param>
/// <param name="Described">Orders asked for one by one through the trader's API: those, and a sample of the rest.</param>
internal sealed record FinalState(
    long OrdersChecked,
    long UnknownToMemory,
    long Described,
    IReadOnlyList<string> Lost,
    IReadOnlyList<string> Unverified,
    AuditResponse Audit,
    decimal NegativeEquity,
    int AccountsWithNegativeEquity,
    IReadOnlyDictionary<(long Account, string Symbol), decimal> Positions);

/// <summary>
/// The reads after the scenario has played: every acknowledged order looked for by its client order id (the exchange
/// must know every order it acknowledged, whatever happened to it since), the audit, and every account's equity (to
/// see that all negative equity is on the audit's bad-debt line). Every order is reconciled with its market in bulk
/// (the operators' reconcile call, from the market's memory); an order the memory does not know, and a sample of the
/// others, are asked for one by one as a trader would (which, for an order older than the market's memory, reads its
/// history from the journal), and only that answer's 404 counts an order as lost. Accounts are read in bulk (the
/// operators' many-accounts view) once the audit is quiet; the orders' checks run beside the audit. A read that fails for
/// a reason other than "not found" is repeated a few times, then reported as unverified (never counted as found).
/// </summary>
internal sealed class FinalChecks(ExchangeApi api, TextWriter log)
{
    private const int Attempts = 5, Parallelism = 16, BulkParallelism = 4, ReconcileChunk = 256, ViewChunk = 1_000, Described = 500;

    private readonly Lock _logGate = new(); // the orders' checks and the audit's report their phases side by side

    public async Task<FinalState> RunAsync(IEnumerable<AcknowledgedOrder> acknowledged, IReadOnlyCollection<StressAccount> accounts, CancellationToken ct)
    {
        var lost = new ConcurrentBag<string>();
        var unverified = new ConcurrentBag<string>();
        var orders = acknowledged.OrderBy(o => o.ClientOrderId, StringComparer.Ordinal).ToList();
        // The orders' checks read what the markets hold and need no quiet point: they run beside the audit (one after the
        // other, the two were most of the report's 30 s at 100,000 accounts). The accounts are read once the audit is quiet.
        var ordersChecked = CheckOrdersAsync(orders, lost, unverified, ct);
        var settled = ReadSettledAsync(accounts, ct);
        var (unknownCount, described) = await ordersChecked;
        var (audit, negative, negativeAccounts, positions) = await settled;
        return new FinalState(orders.Count, unknownCount, described, [.. lost], [.. unverified], audit, negative, negativeAccounts, positions);
    }

    /// <summary>Every order reconciled in bulk, then a sample and the unknown ones described one by one: (unknown, described).</summary>
    private async Task<(int Unknown, int Described)> CheckOrdersAsync(List<AcknowledgedOrder> orders, ConcurrentBag<string> lost,
        ConcurrentBag<string> unverified, CancellationToken ct)
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var unknown = new ConcurrentBag<AcknowledgedOrder>();
        await Parallel.ForEachAsync(orders.GroupBy(o => o.Symbol).SelectMany(g => g.Chunk(ReconcileChunk)),
            new ParallelOptions { MaxDegreeOfParallelism = BulkParallelism, CancellationToken = ct }, async (chunk, token) =>
            {
                var body = new { orders = chunk.Select(o => new { accountId = o.Account.Id, clientOrderId = o.ClientOrderId }) };
                var answer = await WithRetriesAsync(() => api.AdminAsync(HttpMethod.Post, $"/admin/v1/markets/{chunk[0].Symbol}/orders/reconcile", body, token), token);
                if (!answer.Ok)
                {
                    foreach (var o in chunk) unverified.Add($"{o.Symbol} {o.ClientOrderId}: not reconciled: {answer}");
                    return;
                }
                var byId = chunk.ToDictionary(o => o.ClientOrderId, StringComparer.Ordinal);
                foreach (var u in answer.Parse().GetProperty("unknown").EnumerateArray()) unknown.Add(byId[u.GetProperty("clientOrderId").GetString()!]);
            });
        Took($"reconciled {orders.Count} orders with their markets ({unknown.Count} unknown to their memory)", phase);

        // A sample spread over the run (every n-th by client order id), beside every order the memory did not know.
        var unknownIds = unknown.Select(o => o.ClientOrderId).ToHashSet(StringComparer.Ordinal);
        var step = Math.Max(1, orders.Count / Described);
        var toDescribe = orders.Where((o, i) => i % step == 0 && !unknownIds.Contains(o.ClientOrderId)).Take(Described).Concat(unknown).ToList();
        await Parallel.ForEachAsync(toDescribe, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (o, token) =>
        {
            var answer = await WithRetriesAsync(() => api.SignedAsync(o.Account, HttpMethod.Get, $"/api/v1/orders/by-client-id/{o.ClientOrderId}?symbol={o.Symbol}", null, token), token);
            if (answer.Status == 404) lost.Add($"{o.Symbol} {o.ClientOrderId} (account {o.Account.Id}, acknowledged at {o.At} ms)");
            else if (!answer.Ok) unverified.Add($"{o.Symbol} {o.ClientOrderId}: {answer}");
        });
        Took($"described {toDescribe.Count} orders one by one", phase);

        return (unknown.Count, toDescribe.Count);
    }

    /// <summary>The audit once quiet, then every account's equity and positions.</summary>
    private async Task<(AuditResponse, decimal, int, Dictionary<(long, string), decimal>)> ReadSettledAsync(
        IReadOnlyCollection<StressAccount> accounts, CancellationToken ct)
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var audit = await ReadQuietAuditAsync(ct);
        Took("read the audit until it was quiet", phase);
        decimal negative = 0;
        var negativeAccounts = 0;
        var gate = new Lock();
        var positions = new Dictionary<(long, string), decimal>();
        await Parallel.ForEachAsync(accounts.Chunk(ViewChunk), new ParallelOptions { MaxDegreeOfParallelism = BulkParallelism, CancellationToken = ct }, async (chunk, token) =>
        {
            var answer = await WithRetriesAsync(() => api.AccountViewsAsync(chunk.Select(a => a.Id), token), token);
            if (!answer.Ok) throw new InvalidOperationException($"reading {chunk.Length} accounts at the end: {answer}");
            var views = Json.Read<AccountViewsResponse>(answer.Body);
            if (views.Unknown.Length > 0) throw new InvalidOperationException($"accounts the exchange does not know at the end: {string.Join(", ", views.Unknown.Take(5))}");
            lock (gate)
            {
                foreach (var view in views.Accounts)
                {
                    foreach (var p in view.Positions) positions[(view.AccountId, p.Symbol)] = Json.Decimal(p.Size)!.Value;
                    var equity = Json.Decimal(view.Equity)!.Value;
                    if (equity >= 0) continue;
                    negative -= equity;
                    negativeAccounts++;
                }
            }
        });
        Took($"read {accounts.Count} accounts", phase);
        return (audit, negative, negativeAccounts, positions);
    }

    /// <summary>Asks again, a few times and a little later each time, while the answer is neither a success nor a 404.</summary>
    private static async Task<ApiAnswer> WithRetriesAsync(Func<Task<ApiAnswer>> ask, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await ask();
            if (answer.Ok || answer.Status == 404 || attempt == Attempts) return answer;
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
        }
    }

    /// <summary>Says how long a phase of the checks took (at 100,000 accounts they take minutes), and starts the next.</summary>
    private void Took(string what, System.Diagnostics.Stopwatch phase)
    {
        lock (_logGate) log.WriteLine($"  end-of-run checks: {what} in {phase.Elapsed.TotalSeconds:F1} s");
        phase.Restart();
    }

    /// <summary>
    /// The audit balances at a quiet point: read until two readings half a second apart agree on the money difference,
    /// the bad debt and the net positions (liquidation steps still in flight move money and positions between accounts),
    /// at most twenty rounds; then the last reading, whatever it says.
    /// </summary>
    public async Task<AuditResponse> ReadQuietAuditAsync(CancellationToken ct)
    {
        var last = await ReadAuditLoggedAsync(ct);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            var now = await ReadAuditLoggedAsync(ct);
            if (Same(now, last)) return now;
            last = now;
        }
        return last;
    }

    /// <summary>One reading of the audit, said in the log with its time (at 100,000 accounts the readings are most of the report's wait).</summary>
    private async Task<AuditResponse> ReadAuditLoggedAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var audit = await ReadAuditAsync(ct);
        lock (_logGate)
            log.WriteLine($"  end-of-run checks: an audit read in {started.Elapsed.TotalSeconds:F1} s: money difference {audit.MoneyDifference}, bad debt {audit.BadDebt}, "
                + $"net positions {string.Join(", ", audit.NetPositions.Select(p => $"{p.Key} {p.Value}"))}");
        return audit;
    }

    /// <remarks>Holdings are not compared: they include unrealised PnL, which moves with the mark after every step has
    /// settled (at 100,000 accounts the mark converging on the index kept the audit "moving" for 40 s).</remarks>
    private static bool Same(AuditResponse a, AuditResponse b) =>
        a.MoneyDifference == b.MoneyDifference && a.BadDebt == b.BadDebt
        && a.NetPositions.Count == b.NetPositions.Count && a.NetPositions.All(kv => b.NetPositions.GetValueOrDefault(kv.Key) == kv.Value);

    public async Task<AuditResponse> ReadAuditAsync(CancellationToken ct)
    {
        var answer = await api.AdminAsync(HttpMethod.Get, "/admin/v1/audit", null, ct);
        if (!answer.Ok) throw new InvalidOperationException($"GET /admin/v1/audit at the end: {answer}");
        return Json.Read<AuditResponse>(answer.Body);
    }
}
