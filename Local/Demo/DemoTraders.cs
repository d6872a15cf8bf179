using System.Globalization;
using System.Net.Http.Headers;
using Exchange.Silo;

namespace Exchange.Local.Demo;

/// <summary>
/// Simulated traders for <c>--demo</c>, so a newcomer sees a live market: a few accounts, created and funded through
/// the admin API, requote two levels a side around a drifting mid every half second and now and then cross the spread
/// with an IOC order. They use the public signed API like any client; the gateway stamps each command with its clock.
/// </summary>
internal sealed class DemoTraders(Uri gateway, string adminToken, TimeProvider clock, TextWriter output)
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
            output.WriteLine($"Demo: {Traders} traders (accounts {string.Join(", ", accounts.Select(a => a.AccountId))}) quoting BTC-PERP and ETH-PERP.");

            var mids = DemoMarkets.All.ToDictionary(m => m.Symbol, m => (long)(StartingMid(m.Symbol) / m.TickSize));
            using var timer = new PeriodicTimer(Step, clock);
            while (await timer.WaitForNextTickAsync(stopping))
            {
                foreach (var market in DemoMarkets.All)
                {
                    mids[market.Symbol] += _random.Next(-2, 3);
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

    private static decimal StartingMid(string symbol) => symbol.StartsWith("BTC", StringComparison.Ordinal) ? 65_000m : 3_500m;
}
