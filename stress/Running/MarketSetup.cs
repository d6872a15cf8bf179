using Exchange.PriceFeeds;
using Exchange.Stress.Scenarios;

namespace Exchange.Stress.Running;

/// <summary>
/// Creates what a scenario's markets need through the admin API, in the order the exchange requires: each index with
/// its policy and feeds (whose keys the path player signs with), the market following it with the scenario's margin
/// tiers, fees, mark band and margin scaling, the breaker's rules, and the insurance fund's account, funded, named in
/// the market's liquidation rules.
/// </summary>
internal sealed class MarketSetup(ExchangeApi api, PopulationBuilder accounts)
{
    public async Task<Dictionary<string, MarketInfo>> CreateAsync(Scenario scenario, CancellationToken ct)
    {
        var feedAdmin = new FeedAdmin(api.Http, api.AdminToken);
        var feedsByIndex = new Dictionary<string, FeedCredentials[]>(StringComparer.Ordinal);
        foreach (var group in scenario.Markets.GroupBy(m => m.Index))
        {
            var oracle = group.First().Oracle;
            var names = Enumerable.Range(1, oracle.Feeds).Select(i => $"sim-{i}").ToArray();
            await feedAdmin.ConfigureIndexAsync(group.Key, new IndexPolicyTerms(oracle.MinFeeds, oracle.StaleAfterMs, oracle.MaxDeviationBps), ct);
            var feeds = new List<FeedCredentials>();
            foreach (var name in names)
                feeds.Add(await feedAdmin.RegisterFeedAsync(group.Key, name, ct)
                          ?? throw new InvalidOperationException($"{group.Key} already has a feed '{name}': the stress lab needs an exchange without the scenario's indices"));
            feedsByIndex[group.Key] = [.. feeds];
        }

        var markets = new Dictionary<string, MarketInfo>(StringComparer.Ordinal);
        foreach (var m in scenario.Markets)
        {
            var following = m.Following ?? new IndexFollowingScenario();
            await api.AdminRequiredAsync(HttpMethod.Post, "/admin/v1/markets", new
            {
                symbol = m.Symbol,
                tickSize = Json.Text(m.TickSize),
                lotSize = Json.Text(m.LotSize),
                maxPrice = Json.Text(m.MaxPrice),
                maxSize = Json.Text(m.MaxSize),
                makerFeeBps = m.MakerFeeBps,
                takerFeeBps = m.TakerFeeBps,
                marginTiers = m.MarginTiers.Select(t => new { notionalFloor = Json.Text(t.NotionalFloor), initialBps = t.InitialBps, maintenanceBps = t.MaintenanceBps }),
                index = new
                {
                    index = m.Index,
                    reopenAfterMs = following.ReopenAfterMs,
                    auctionMs = following.AuctionMs,
                    mark = new { bandBps = following.MarkBandBps },
                    scaling = new { capBps = following.ScalingCapBps },
                },
            }, ct);
            if (m.Breaker is { } b)
            {
                var answer = await api.AdminAsync(HttpMethod.Post, $"/admin/v1/markets/{m.Symbol}/breaker",
                    new { bandBps = b.BandBps, velocityBps = b.VelocityBps, velocityWindowMs = b.VelocityWindowMs }, ct);
                if (!answer.Ok && answer.Code != "NO_CHANGE") throw new InvalidOperationException($"breaker rules of {m.Symbol}: {answer}");
                if (b.PauseMs is not null || b.EscalatedPauseMs is not null || b.ExtensionMs is not null)
                    await api.AdminRequiredAsync(HttpMethod.Post, $"/admin/v1/markets/{m.Symbol}/breaker/policy",
                        new { pauseMs = b.PauseMs, escalatedPauseMs = b.EscalatedPauseMs ?? b.PauseMs * 5 / 2, extensionMs = b.ExtensionMs }, ct);
            }
            var fund = await accounts.CreateAsync(AccountRole.Fund, m.InsuranceFund, m.Symbol, ct);
            var l = m.Liquidation;
            await api.AdminRequiredAsync(HttpMethod.Post, $"/admin/v1/markets/{m.Symbol}/liquidation", new
            {
                fundAccountId = fund.Id,
                feeBps = l.FeeBps,
                sliceSize = Json.Text(l.SliceSize),
                cooldownMs = l.CooldownMs,
                fundLossCapBps = l.FundLossCapBps,
            }, ct);
            markets[m.Symbol] = new MarketInfo(m, fund.Id, feedsByIndex[m.Index]);
        }
        return markets;
    }
}
