using System.Collections.Concurrent;
using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>A leveraged account's position as built: the market and its size as the exchange shows it (negative short).</summary>
internal sealed record BuiltPosition(StressAccount Account, string Symbol, decimal Size);

/// <summary>A leveraged account's position as drawn, before it is built.</summary>
internal sealed record PlannedPosition(StressAccount Account, bool Long, long Lots);

/// <summary>
/// Creates and funds the scenario's accounts through the admin API, and gives each leveraged account its position
/// through the signed order API: its group's counterparties rest the opposite orders at the index, then each leveraged
/// account takes its own with an immediate-or-cancel order at that price. Nothing else is on the book then (makers
/// quote afterwards), so each position is exactly the size drawn for it.
/// </summary>
internal sealed class PopulationBuilder(ExchangeApi api, OrderDesk desk, TextWriter log)
{
    private const int Parallelism = 16;

    public ConcurrentBag<StressAccount> All { get; } = [];

    public async Task<StressAccount> CreateAsync(AccountRole role, decimal deposit, string? market, CancellationToken ct)
    {
        var created = await api.AdminRequiredAsync(HttpMethod.Post, "/admin/v1/accounts", new { label = $"stress-{role.ToString().ToLowerInvariant()}" }, ct);
        var account = new StressAccount(created.GetProperty("accountId").GetInt64(), created.GetProperty("apiKey").GetString()!,
            created.GetProperty("apiSecret").GetString()!, role, market);
        if (deposit > 0)
            await api.AdminIdempotentAsync(HttpMethod.Post, $"/admin/v1/accounts/{account.Id}/deposits",
                new { amount = Json.Text(deposit), transferId = $"stress-{account.Id}" }, ct);
        All.Add(account);
        return account;
    }

    public async Task<StressAccount[]> CreateManyAsync(int count, AccountRole role, decimal deposit, string? market, CancellationToken ct)
    {
        var accounts = new StressAccount[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) => accounts[i] = await CreateAsync(role, deposit, market, token));
        return accounts;
    }

    /// <summary>Builds a group's positions at <paramref name="priceTicks"/> (the index now); returns those built.</summary>
    public async Task<List<BuiltPosition>> BuildPositionsAsync(PositionGroup group, MarketInfo market, long priceTicks, Random random,
        CancellationToken ct)
    {
        var leveraged = await CreateManyAsync(group.Accounts, AccountRole.Leveraged, group.Collateral, group.Market, ct);
        var counterparties = await CreateManyAsync(group.Counterparties, AccountRole.Counterparty, group.CounterpartyCollateral, group.Market, ct);
        var plans = new List<PlannedPosition>(leveraged.Length);
        for (var i = 0; i < leveraged.Length; i++)
        {
            var leverage = group.LeverageMin + (group.LeverageMax - group.LeverageMin) * (decimal)random.NextDouble();
            var lots = market.LotsFor(group.Collateral * leverage, priceTicks);
            var isLong = group.Side switch { "long" => true, "short" => false, _ => i % 2 == 0 };
            plans.Add(new PlannedPosition(leveraged[i], isLong, lots));
        }
        var built = new List<BuiltPosition>();
        // Longs first, then shorts: the two sides' resting orders at one price would otherwise trade with each other.
        foreach (var side in new[] { true, false })
        {
            var wanted = plans.Where(p => p.Long == side).ToList();
            if (wanted.Count == 0) continue;
            var byCounterparty = wanted.Select((p, i) => (p, c: counterparties[i % counterparties.Length])).GroupBy(x => x.c);
            await Parallel.ForEachAsync(byCounterparty, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (g, token) =>
                {
                    foreach (var chunk in g.Select(x => x.p).Chunk(OrderDesk.MaxBatch))
                        await desk.PlaceAsync(g.Key, [.. chunk.Select(p => new OrderIntent(market.Symbol, !side, priceTicks, p.Lots, false))], token);
                });
            // The size each taker filled is its position (the account's own view follows the market's one-way notice).
            var filled = new ConcurrentBag<BuiltPosition>();
            await Parallel.ForEachAsync(wanted, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (p, token) =>
                {
                    var size = await desk.TakeAsync(p.Account, new OrderIntent(market.Symbol, side, priceTicks, p.Lots, true), token);
                    if (size > 0) filled.Add(new BuiltPosition(p.Account, market.Symbol, side ? size : -size));
                });
            // Whatever a counterparty still rests (an order refused on the taking side) must not stay on the book.
            await Parallel.ForEachAsync(counterparties, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (c, token) => await desk.CancelAllAsync(c, market.Symbol, token));
            built.AddRange(filled);
        }
        log.WriteLine($"  {market.Symbol}: {built.Count} leveraged positions ({group.Side}) against {counterparties.Length} counterparties at {priceTicks * market.TickSize}");
        return built;
    }
}
