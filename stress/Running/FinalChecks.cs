using System.Collections.Concurrent;
using Exchange.Client.Contracts;

namespace Exchange.Stress.Running;

/// <summary>What the end-of-run reads found: orders not found, the final audit, and negative equity by account.</summary>
/// <param name="Listed">Orders found in their accounts' recent order lists.</param>
/// <param name="Reconciled">Orders the lists did not show, reconciled with their market in bulk.</param>
/// <param name="Described">Of those, the sample asked for one by one through the trader's API.</param>
internal sealed record FinalState(
    long OrdersChecked,
    long Listed,
    long Reconciled,
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
/// see that all negative equity is on the audit's bad-debt line). Orders are looked for in their accounts' recent order
/// lists first; what those do not show is reconciled with its market in bulk (the operators' reconcile call), and a
/// sample of it is also asked for one by one as a trader would (which, for an order older than the market's memory, reads
/// its history from the journal). A read that fails for a reason other than "not found" is repeated a few times, then
/// reported as unverified (never counted as found).
/// </summary>
internal sealed class FinalChecks(ExchangeApi api, TextWriter log)
{
    private const int Parallelism = 16, Attempts = 5, ReconcileChunk = 256, Described = 500;

    public async Task<FinalState> RunAsync(IEnumerable<AcknowledgedOrder> acknowledged, IReadOnlyCollection<StressAccount> accounts, CancellationToken ct)
    {
        var lost = new ConcurrentBag<string>();
        var unverified = new ConcurrentBag<string>();
        var orders = acknowledged.ToList();
        // First each account's recent orders per market in one read (the newest 1,000, any status); what that does not
        // show is asked for one by one, and only the answer to that (404) counts an order as lost.
        var toAsk = new ConcurrentBag<AcknowledgedOrder>();
        var phase = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(orders.GroupBy(o => (o.Account, o.Symbol)), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (group, token) =>
            {
                var listed = await ListedClientOrderIdsAsync(group.Key.Account, group.Key.Symbol, token);
                foreach (var o in group)
                    if (!listed.Contains(o.ClientOrderId)) toAsk.Add(o);
            });
        Took("listed the accounts' recent orders", phase);
        var unlisted = toAsk.OrderBy(o => o.ClientOrderId, StringComparer.Ordinal).ToList();
        var unknown = new ConcurrentDictionary<string, byte>();
        await Parallel.ForEachAsync(unlisted.GroupBy(o => o.Symbol).SelectMany(g => g.Chunk(ReconcileChunk)),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (chunk, token) =>
            {
                var body = new { orders = chunk.Select(o => new { accountId = o.Account.Id, clientOrderId = o.ClientOrderId }) };
                for (var attempt = 1; ; attempt++)
                {
                    var answer = await api.AdminAsync(HttpMethod.Post, $"/admin/v1/markets/{chunk[0].Symbol}/orders/reconcile", body, token);
                    if (answer.Ok)
                    {
                        foreach (var u in answer.Parse().GetProperty("unknown").EnumerateArray())
                        {
                            var id = u.GetProperty("clientOrderId").GetString()!;
                            unknown.TryAdd(id, 0);
                            lost.Add($"{chunk[0].Symbol} {id} (account {u.GetProperty("accountId").GetInt64()}, unknown to the market)");
                        }
                        return;
                    }
                    if (attempt == Attempts)
                    {
                        foreach (var o in chunk) unverified.Add($"{o.Symbol} {o.ClientOrderId}: not reconciled: {answer}");
                        return;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token);
                }
            });
        Took($"reconciled {unlisted.Count} orders", phase);
        // A sample spread over the run (every n-th by client order id), asked for as a trader would.
        var step = Math.Max(1, unlisted.Count / Described);
        var sample = unlisted.Where((o, i) => i % step == 0 && !unknown.ContainsKey(o.ClientOrderId)).Take(Described).ToList();
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (o, token) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var answer = await api.SignedAsync(o.Account, HttpMethod.Get, $"/api/v1/orders/by-client-id/{o.ClientOrderId}?symbol={o.Symbol}", null, token);
                if (answer.Ok) return;
                if (answer.Status == 404)
                {
                    lost.Add($"{o.Symbol} {o.ClientOrderId} (account {o.Account.Id}, acknowledged at {o.At} ms)");
                    return;
                }
                if (attempt == Attempts)
                {
                    unverified.Add($"{o.Symbol} {o.ClientOrderId}: {answer}");
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token);
            }
        });

        Took($"described {sample.Count} orders one by one", phase);
        var audit = await ReadQuietAuditAsync(ct);
        Took("read the audit until it was quiet", phase);
        decimal negative = 0;
        var negativeAccounts = 0;
        var gate = new Lock();
        var positions = new Dictionary<(long, string), decimal>();
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (a, token) =>
        {
            var answer = await api.AdminAsync(HttpMethod.Get, $"/admin/v1/accounts/{a.Id}", null, token);
            if (!answer.Ok) throw new InvalidOperationException($"reading account {a.Id} at the end: {answer}");
            var view = Json.Read<AccountResponse>(answer.Body);
            var equity = Json.Decimal(view.Equity)!.Value;
            lock (gate)
            {
                foreach (var p in view.Positions) positions[(a.Id, p.Symbol)] = Json.Decimal(p.Size)!.Value;
                if (equity >= 0) return;
                negative -= equity;
                negativeAccounts++;
            }
        });
        Took($"read {accounts.Count} accounts", phase);
        return new FinalState(orders.Count, orders.Count - unlisted.Count, unlisted.Count, sample.Count, [.. lost], [.. unverified], audit,
            negative, negativeAccounts, positions);
    }

    /// <summary>Says how long a phase of the checks took (at 100,000 accounts they take minutes), and starts the next.</summary>
    private void Took(string what, System.Diagnostics.Stopwatch phase)
    {
        log.WriteLine($"  end-of-run checks: {what} in {phase.Elapsed.TotalSeconds:F1} s");
        phase.Restart();
    }

    private async Task<HashSet<string>> ListedClientOrderIdsAsync(StressAccount account, string symbol, CancellationToken ct)
    {
        var answer = await api.SignedAsync(account, HttpMethod.Get, $"/api/v1/orders?symbol={symbol}&status=all&limit=1000", null, ct);
        if (!answer.Ok) return [];
        return [.. Json.Read<OrderResponse[]>(answer.Body).Select(o => o.ClientOrderId).OfType<string>()];
    }

    /// <summary>
    /// The audit balances at a quiet point: read until two readings half a second apart agree (liquidation steps still
    /// in flight move money between accounts), at most ten seconds; then the last reading, whatever it says.
    /// </summary>
    public async Task<AuditResponse> ReadQuietAuditAsync(CancellationToken ct)
    {
        var last = await ReadAuditAsync(ct);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            var now = await ReadAuditAsync(ct);
            if (Same(now, last)) return now;
            last = now;
        }
        return last;
    }

    private static bool Same(AuditResponse a, AuditResponse b) =>
        a.MoneyDifference == b.MoneyDifference && a.BadDebt == b.BadDebt && a.Holdings == b.Holdings
        && a.NetPositions.Count == b.NetPositions.Count && a.NetPositions.All(kv => b.NetPositions.GetValueOrDefault(kv.Key) == kv.Value);

    public async Task<AuditResponse> ReadAuditAsync(CancellationToken ct)
    {
        var answer = await api.AdminAsync(HttpMethod.Get, "/admin/v1/audit", null, ct);
        if (!answer.Ok) throw new InvalidOperationException($"GET /admin/v1/audit at the end: {answer}");
        return Json.Read<AuditResponse>(answer.Body);
    }
}
