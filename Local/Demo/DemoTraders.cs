using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Exchange.Matching;

namespace Exchange.Local.Demo;

/// <summary>
/// Simulated traders for <c>--demo</c>, so a newcomer sees a live market: a few accounts, created and funded through
/// the admin API, requote two levels a side around a drifting mid every half second and now and then cross the spread
/// with an IOC order. A market that follows an index is quoted around the index (read from the public API) while the
/// index is fresh or degraded. They use the public signed API like any client; the gateway stamps each command with its clock.
/// </summary>
internal sealed class DemoTraders(Uri gateway, string adminToken, IReadOnlyList<MarketSpec> markets, TimeProvider clock, TextWriter output)
{
    private const int Traders = 4;
    private const string Deposit = "1000000";
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);

    private readonly Random _random = new();

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = gateway };
            using var admin = new HttpClient { BaseAddress = gateway };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            var accounts = new List<DemoAccount>();
            for (var i = 0; i < Traders; i++)
                accounts.Add(await DemoAccount.CreateAsync(admin, http, clock, Deposit, stopping));
            output.WriteLine($"Demo: {Traders} traders (accounts {string.Join(", ", accounts.Select(a => a.AccountId))}) quoting " +
                             string.Join(" and ", markets.Select(m => m.Index is { } rules ? $"{m.Symbol} around {rules.Index}" : m.Symbol)) + ".");

            var mids = markets.ToDictionary(m => m.Symbol, m => (long)(DemoPrices.StartingMid(m.Symbol) / m.TickSize));
            using var timer = new PeriodicTimer(Step, clock);
            while (await timer.WaitForNextTickAsync(stopping))
            {
                foreach (var market in markets)
                {
                    mids[market.Symbol] = market.Index is { } rules && await IndexTicks(http, rules.Index, market.TickSize, stopping) is { } index
                        ? index
                        : mids[market.Symbol] + _random.Next(-2, 3);
                    var trader = accounts[_random.Next(accounts.Count)];
                    await Requote(trader, market.Symbol, market.TickSize, market.LotSize, mids[market.Symbol], stopping);
                    if (_random.Next(100) < 15)
                        await Cross(accounts[_random.Next(accounts.Count)], market.Symbol, market.TickSize, market.LotSize, mids[market.Symbol], stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
        {
            output.WriteLine($"Demo traders stopped: {ex.Message}");
        }
    }

    private async Task Requote(DemoAccount trader, string symbol, decimal tick, decimal lot, long mid, CancellationToken stopping)
    {
        await trader.SendAsync(HttpMethod.Delete, $"/api/v1/orders?symbol={symbol}", null, stopping);
        for (var level = 1; level <= 2; level++)
        {
            await Place(trader, symbol, "buy", (mid - level * _random.Next(1, 6)) * tick, _random.Next(1, 20) * lot, "gtc", stopping);
            await Place(trader, symbol, "sell", (mid + level * _random.Next(1, 6)) * tick, _random.Next(1, 20) * lot, "gtc", stopping);
        }
    }

    private Task Cross(DemoAccount trader, string symbol, decimal tick, decimal lot, long mid, CancellationToken stopping)
    {
        var buy = _random.Next(2) == 0;
        var price = (buy ? mid + 15 : mid - 15) * tick;
        return Place(trader, symbol, buy ? "buy" : "sell", price, _random.Next(1, 10) * lot, "ioc", stopping);
    }

    private static async Task Place(DemoAccount trader, string symbol, string side, decimal price, decimal size, string timeInForce,
        CancellationToken stopping)
    {
        var body = new
        {
            symbol, side, type = "limit",
            price = price.ToString(CultureInfo.InvariantCulture), size = size.ToString(CultureInfo.InvariantCulture), timeInForce,
        };
        await trader.SendAsync(HttpMethod.Post, "/api/v1/orders", body, stopping);
    }

    /// <summary>The index in the market's ticks (nearest), or null while there is none to trust (stale, unknown, unreachable).</summary>
    private static async Task<long?> IndexTicks(HttpClient http, string index, decimal tick, CancellationToken stopping)
    {
        using var response = await http.GetAsync($"/api/v1/indices/{index}", stopping);
        if (!response.IsSuccessStatusCode) return null;
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stopping)).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
        if (!root.TryGetProperty("status", out var status) || status.GetString() is not ("fresh" or "degraded")) return null;
        if (!root.TryGetProperty("price", out var price) || price.ValueKind != JsonValueKind.String
            || !decimal.TryParse(price.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
            return null;
        return (long)decimal.Round(value / tick, MidpointRounding.AwayFromZero);
    }
}
