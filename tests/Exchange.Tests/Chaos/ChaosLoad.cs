using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Chaos;

/// <summary>
/// Signed load from several accounts in both markets through one gateway while faults happen, what each fault did to
/// it (when each market served again, the longest gap between acknowledgements, how requests were answered), and the
/// check afterwards that nothing acknowledged was lost and the books balance. Shared by the chaos tests.
/// </summary>
internal sealed class ChaosLoad : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly ChaosTrader[] _traders;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _load;

    private ChaosLoad(HttpClient http, ChaosTrader[] traders, Stopwatch clock)
    {
        (_http, _traders, Clock) = (http, traders, clock);
        _load = [.. traders.Select(t => Task.Run(() => t.TradeAsync(_stop.Token), CancellationToken.None))];
    }

    public Stopwatch Clock { get; }

    public IReadOnlyList<ChaosTrader> Traders => _traders;

    /// <summary>Creates and funds the accounts, then starts trading (one request at a time per account and market).</summary>
    public static async Task<ChaosLoad> StartAsync(Uri gateway, int traders)
    {
        var clock = Stopwatch.StartNew();
        var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(35) };
        var accounts = await Task.WhenAll(Enumerable.Range(0, traders).Select(_ => ChaosTrader.CreateAsync(http, clock)));
        return new ChaosLoad(http, accounts, clock);
    }

    public Request[] Requests() => [.. _traders.SelectMany(t => t.Requests)];

    public Request[] Acknowledged() => [.. Requests().Where(r => r.Answer == Answer.Acknowledged && r.Kind == "order")];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_load);
    }

    /// <summary>When each market next acknowledged an order after <paramref name="since"/>, once each has acknowledged <paramref name="count"/> since.</summary>
    public async Task<Dictionary<string, TimeSpan>> ServingSince(TimeSpan since, int count) => await Polling.Eventually(() =>
    {
        var after = Acknowledged().Where(r => r.At > since).ToArray();
        var firsts = ChaosTrader.Symbols.ToDictionary(s => s, s => after.Where(r => r.Symbol == s).Select(r => r.At).Order().ToArray());
        if (firsts.Values.Any(a => a.Length < count))
        {
            var answers = string.Join(", ", Requests().Where(r => r.At > since)
                .GroupBy(r => $"{r.Answer} {r.Detail[..Math.Min(r.Detail.Length, 200)]}").Select(g => $"{g.Key}: {g.Count()}"));
            throw new InvalidOperationException($"not every market served {count} orders since {Seconds(since)}; answers: {answers}");
        }
        return Task.FromResult(firsts.ToDictionary(f => f.Key, f => f.Value[0]));
    }, TimeSpan.FromSeconds(90));

    /// <summary>Per market, the longest stretch between two acknowledgements that overlaps [from, to].</summary>
    public Dictionary<string, TimeSpan> LongestGaps(TimeSpan from, TimeSpan to)
    {
        var acks = Acknowledged();
        return ChaosTrader.Symbols.ToDictionary(s => s, symbol =>
        {
            var times = acks.Where(a => a.Symbol == symbol).Select(a => a.At).Order().ToArray();
            return times.Zip(times.Skip(1)).Where(g => g.Second >= from && g.First <= to).Select(g => g.Second - g.First).DefaultIfEmpty().Max();
        });
    }

    /// <summary>How requests sent in [from, to] were answered: refusals by code, InDoubt, Acknowledged.</summary>
    public string Answers(TimeSpan from, TimeSpan to) => string.Join(", ", Requests().Where(r => r.At >= from && r.At <= to)
        .GroupBy(r => r.Answer == Answer.Refused ? r.Detail : r.Answer.ToString())
        .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));

    /// <summary>
    /// Per market: the longest stretch without an acknowledgement that overlaps the fault, and when it served again; and
    /// how every request from the fault until both markets served again was answered.
    /// </summary>
    public void Report(StringBuilder report, string fault, TimeSpan from, TimeSpan to, Dictionary<string, TimeSpan> servedAgain)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"{fault} at {Seconds(from)}; answers until both markets served again: {Answers(from, servedAgain.Values.Max())}");
        var gaps = LongestGaps(from, servedAgain.Values.Max());
        foreach (var (symbol, first) in servedAgain.OrderBy(s => s.Key))
            report.AppendLine(CultureInfo.InvariantCulture,
                $"  {symbol}: first acknowledgement {Seconds(first - to)} after {(from == to ? "the fault" : "it ended")}, longest gap {Seconds(gaps[symbol])}");
    }

    /// <summary>
    /// After the load: every answer was honest, every doubt is settled by the id the client chose, every acknowledged
    /// order and deposit is there, no fill counts twice, and the audit is exactly zero. Returns a summary line.
    /// </summary>
    public async Task<string> VerifyNothingLost()
    {
        var requests = Requests();
        Assert.Empty(requests.Where(r => r.Answer == Answer.Broken).Select(r => $"{r.Kind} {r.Key}: {r.Detail}"));
        var placed = _traders.SelectMany(t => t.Acknowledged).ToList();
        var settled = 0;
        foreach (var trader in _traders)
        {
            foreach (var (symbol, clientOrderId) in trader.OrdersInDoubt)
            {
                if (await Polling.Eventually(() => trader.WasPlaced(symbol, clientOrderId)))
                {
                    var order = await Polling.Eventually(() => trader.Order(symbol, clientOrderId));
                    placed.Add(new PlacedOrder(trader.AccountId, symbol, clientOrderId, order.GetProperty("orderId").GetInt64()));
                }
                settled++;
            }
            foreach (var transferId in trader.TransfersInDoubt)
            {
                await Polling.Eventually(() => trader.RepeatDeposit(transferId));
                settled++;
            }
        }

        // Nothing acknowledged is missing: each order is there with its final state, each deposit is answered as a repeat.
        var finalStates = new Dictionary<string, int>();
        foreach (var order in placed)
        {
            var trader = _traders.Single(t => t.AccountId == order.AccountId);
            var found = await Polling.Eventually(() => trader.Order(order.Symbol, order.ClientOrderId));
            Assert.Equal(order.OrderId, found.GetProperty("orderId").GetInt64());
            var status = found.GetProperty("status").GetString()!;
            Assert.Contains(status, (string[])["new", "partially_filled", "filled", "cancelled", "expired"]);
            finalStates[status] = finalStates.GetValueOrDefault(status) + 1;
        }
        var transfers = 0;
        foreach (var trader in _traders)
        {
            foreach (var transferId in trader.TransfersAcknowledged)
            {
                var repeat = await Polling.Eventually(() => trader.RepeatDeposit(transferId));
                Assert.True(repeat.GetProperty("duplicate").GetBoolean(), $"deposit {transferId} was acknowledged but is not recorded");
                transfers++;
            }
        }

        // No fill counts twice: trade ids are unique per account, and each position is exactly the sum of its fills.
        var fillsChecked = 0;
        foreach (var trader in _traders)
        {
            var account = await Polling.Eventually(trader.Account);
            foreach (var symbol in ChaosTrader.Symbols)
            {
                var fills = (await Polling.Eventually(() => trader.Fills(symbol))).EnumerateArray().ToArray();
                var ids = fills.Select(f => f.GetProperty("tradeId").GetInt64()).ToArray();
                Assert.Equal(ids.Length, ids.Distinct().Count());
                Assert.True(fills.Length < 1000, "more fills than one page: lower the load so that every fill can be checked");
                var fromFills = fills.Sum(f => Number(f, "size") * (f.GetProperty("side").GetString() == "buy" ? 1 : -1));
                var position = account.GetProperty("positions").EnumerateArray()
                    .Where(p => p.GetProperty("symbol").GetString() == symbol).Select(p => Number(p, "size")).FirstOrDefault();
                Assert.Equal(fromFills, position);
                fillsChecked += fills.Length;
            }
        }

        // The books balance: no money made or lost, each market's positions sum to zero.
        var audit = await Polling.Eventually(async () =>
        {
            var answer = await ChaosTrader.AdminJson(_http, HttpMethod.Get, "/admin/v1/audit", null);
            return answer.GetProperty("balanced").GetBoolean() ? answer : throw new InvalidOperationException($"audit: {answer}");
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("0", audit.GetProperty("moneyDifference").GetString());

        var reasked = requests.Where(r => r.Answer == Answer.InDoubt).Select(r => r.Key).Distinct().Count();
        var states = string.Join(", ", finalStates.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));
        return $"{requests.Length} requests, {placed.Count} orders acknowledged (final: {states}), " +
            $"{transfers} deposits, {reasked} in doubt settled by asking again with the same id and {settled} after the load, {fillsChecked} fills checked, " +
            $"audit {audit.GetProperty("moneyDifference").GetString()} with net positions {audit.GetProperty("netPositions")}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
        _http.Dispose();
    }

    private static decimal Number(JsonElement element, string name) =>
        decimal.Parse(element.GetProperty(name).GetString()!, NumberStyles.Number | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.00} s";
}
