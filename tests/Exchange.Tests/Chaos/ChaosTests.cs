using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Exchange.Tests.Chaos;

/// <summary>
/// The cluster as it runs in production (processes, PostgreSQL membership, the gateway) under signed load from eight
/// accounts in two markets (one request at a time per account and market), while a silo is killed, another frozen past failure detection and woken, and the database
/// stopped for 30 s. Afterwards nothing acknowledged is missing, no fill counts twice, the audit is exactly zero, and
/// every request got a definite answer or one that its idempotency key settles. Prints how long each fault interrupted
/// each market. About two minutes; filter it out with <c>--filter Category!=Chaos</c>.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Traders = 8, Active = 3, Dead = 6;
    private static readonly TimeSpan DatabaseDown = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    /// <summary>Looser than the targets (5 s) that docs/DEPLOYMENT.md reports against: this machine is shared and has two cores.</summary>
    private static readonly TimeSpan ServesAgainWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Silo_deaths_a_frozen_silo_and_a_database_outage_under_load_lose_nothing()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await using var cluster = await ChaosCluster.StartAsync(silos: 3, deadline.Token);
        var report = new StringBuilder();
        try
        {
            await Run(cluster, report, deadline.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n{report}\n{cluster.LogTails()}", ex);
        }
    }

    private async Task Run(ChaosCluster cluster, StringBuilder report, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = cluster.Gateway, Timeout = TimeSpan.FromSeconds(35) };
        var traders = await Task.WhenAll(Enumerable.Range(0, Traders).Select(_ => ChaosTrader.CreateAsync(http, clock)));
        using var stopLoad = new CancellationTokenSource();
        var load = traders.Select(t => Task.Run(() => t.TradeAsync(stopLoad.Token), CancellationToken.None)).ToArray();
        Request[] AllRequests() => [.. traders.SelectMany(t => t.Requests)];
        var acks = () => AllRequests().Where(r => r.Answer == Answer.Acknowledged && r.Kind == "order").ToArray();

        await ServingSince(TimeSpan.Zero, 50);
        var started = clock.Elapsed;

        // 1. kill -9 the silo hosting a market; an orchestrator starts a replacement once the markets serve again.
        var killed = await Polling.Eventually(() => cluster.HostOf("BTC-PERP"));
        var killedAt = clock.Elapsed;
        killed.Kill();
        var servedAfterKill = await ServingSince(killedAt, 1);
        await cluster.WaitForStatus(killed, Dead, TimeSpan.FromSeconds(60));
        var killedDeclaredDeadAfter = clock.Elapsed - killedAt;
        Report(report, $"kill -9 {killed.Name} (hosting BTC-PERP)", killedAt, killedAt, servedAfterKill, acks(), AllRequests());
        report.AppendLine(CultureInfo.InvariantCulture, $"  declared dead in the membership table within {Seconds(killedDeclaredDeadAfter)}");
        var replacement = cluster.StartSilo();
        await cluster.WaitForStatus(replacement, Active, TimeSpan.FromSeconds(120));
        report.AppendLine(CultureInfo.InvariantCulture, $"  replacement {replacement.Name} active at {Seconds(clock.Elapsed)}");

        // 2. SIGSTOP another until the cluster has declared it dead (longer than failure detection), then SIGCONT: it
        //    must learn that it is dead and stop, rather than serve or write as if nothing happened.
        var frozen = await Polling.Eventually(async () =>
        {
            foreach (var symbol in ChaosTrader.Symbols)
                if (await cluster.HostOf(symbol) is var host && host != replacement) return host;
            return cluster.Silos.First(s => !s.HasExited && s != replacement);
        });
        var hosted = new List<string>();
        foreach (var symbol in ChaosTrader.Symbols)
            if (await Polling.Eventually(() => cluster.HostOf(symbol)) == frozen) hosted.Add(symbol);
        var frozenHosts = hosted.Count == 0 ? "no market" : string.Join(" and ", hosted);
        var frozenAt = clock.Elapsed;
        frozen.Freeze();
        await cluster.WaitForStatus(frozen, Dead, TimeSpan.FromSeconds(60));
        var declaredDeadAfter = clock.Elapsed - frozenAt;
        frozen.Thaw();
        var thawedAt = clock.Elapsed;
        await Polling.Eventually(() => frozen.HasExited ? Task.CompletedTask : throw new InvalidOperationException("the woken silo still runs"),
            TimeSpan.FromSeconds(30));
        var stoppedItselfAfter = clock.Elapsed - thawedAt;
        var servedAfterFreeze = await ServingSince(thawedAt, 1);
        Report(report, $"SIGSTOP {frozen.Name} (hosting {frozenHosts})", frozenAt, thawedAt, servedAfterFreeze, acks(), AllRequests());
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  declared dead {Seconds(declaredDeadAfter)} after SIGSTOP; after SIGCONT it stopped itself in {Seconds(stoppedItselfAfter)}");

        // 3. The database stops for 30 s (the outage is the fault's length, not a wait for anything) and comes back.
        var databaseStoppedAt = clock.Elapsed;
        await cluster.StopDatabase();
        await Task.Delay(DatabaseDown, cancellationToken);
        await cluster.StartDatabase(cancellationToken);
        var databaseBackAt = clock.Elapsed;
        var servedAfterDatabase = await ServingSince(databaseBackAt, 20);
        Report(report, $"PostgreSQL stopped {DatabaseDown.TotalSeconds:0} s", databaseStoppedAt, databaseBackAt, servedAfterDatabase, acks(), AllRequests());

        // 4. SIGTERM drains the silo hosting a market, as a scale-down or a rolling restart does: it must leave within
        //    its shutdown timeout, and the market move with at most a short pause.
        var drained = await Polling.Eventually(() => cluster.HostOf("BTC-PERP"));
        var drainedAt = clock.Elapsed;
        drained.Terminate();
        await Polling.Eventually(() => drained.HasExited ? Task.CompletedTask : throw new InvalidOperationException("the drained silo still runs"),
            TimeSpan.FromSeconds(40));
        var drainTook = clock.Elapsed - drainedAt;
        var servedAfterDrain = await ServingSince(drainedAt, 20);
        Report(report, $"SIGTERM {drained.Name} (hosting BTC-PERP)", drainedAt, drainedAt, servedAfterDrain, acks(), AllRequests());
        report.AppendLine(CultureInfo.InvariantCulture, $"  the process exited {Seconds(drainTook)} after SIGTERM");
        stopLoad.Cancel();
        await Task.WhenAll(load);
        var loadEnded = clock.Elapsed;

        // Every answer was honest, and every doubt is settled by the key the client chose.
        var requests = traders.SelectMany(t => t.Requests).ToArray();
        Assert.Empty(requests.Where(r => r.Answer == Answer.Broken).Select(r => $"{r.Kind} {r.Key}: {r.Detail}"));
        var placed = traders.SelectMany(t => t.Acknowledged).ToList();
        var settled = 0;
        foreach (var trader in traders)
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
            var trader = traders.Single(t => t.AccountId == order.AccountId);
            var found = await Polling.Eventually(() => trader.Order(order.Symbol, order.ClientOrderId));
            Assert.Equal(order.OrderId, found.GetProperty("orderId").GetInt64());
            var status = found.GetProperty("status").GetString()!;
            Assert.Contains(status, (string[])["new", "partially_filled", "filled", "cancelled", "expired"]);
            finalStates[status] = finalStates.GetValueOrDefault(status) + 1;
        }
        var transfers = 0;
        foreach (var trader in traders)
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
        foreach (var trader in traders)
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
            var answer = await ChaosTrader.AdminJson(http, HttpMethod.Get, "/admin/v1/audit", null);
            return answer.GetProperty("balanced").GetBoolean() ? answer : throw new InvalidOperationException($"audit: {answer}");
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("0", audit.GetProperty("moneyDifference").GetString());

        var reasked = requests.Where(r => r.Answer == Answer.InDoubt).Select(r => r.Key).Distinct().Count();
        var states = string.Join(", ", finalStates.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));
        report.AppendLine(CultureInfo.InvariantCulture,
            $"load {Seconds(loadEnded - started)}: {requests.Length} requests, {placed.Count} orders acknowledged (final: {states}), " +
            $"{transfers} deposits, {reasked} in doubt settled by asking again with the same id and {settled} after the load, {fillsChecked} fills checked, " +
            $"audit {audit.GetProperty("moneyDifference").GetString()} with net positions {audit.GetProperty("netPositions")}");
        report.AppendLine("silo processes at the end: " + string.Join(", ", cluster.Silos.Select(p => $"{p.Name} {(p.HasExited ? "exited" : "running")}")));
        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());

        Assert.True(servedAfterDatabase.Values.Max() - databaseBackAt < ServesAgainWithin, report.ToString());
        Assert.True(servedAfterKill.Values.Max() - killedAt < ServesAgainWithin, report.ToString());
        return;

        // When each market next acknowledged an order after `since`, once each has acknowledged `count` of them since.
        async Task<Dictionary<string, TimeSpan>> ServingSince(TimeSpan since, int count) => await Polling.Eventually(() =>
        {
            var after = acks().Where(r => r.At > since).ToArray();
            var firsts = ChaosTrader.Symbols.ToDictionary(s => s, s => after.Where(r => r.Symbol == s).Select(r => r.At).Order().ToArray());
            if (firsts.Values.Any(a => a.Length < count))
            {
                var answers = string.Join(", ", traders.SelectMany(t => t.Requests).Where(r => r.At > since)
                    .GroupBy(r => $"{r.Answer} {r.Detail[..Math.Min(r.Detail.Length, 200)]}").Select(g => $"{g.Key}: {g.Count()}"));
                throw new InvalidOperationException($"not every market served {count} orders since {Seconds(since)}; answers: {answers}");
            }
            return Task.FromResult(firsts.ToDictionary(f => f.Key, f => f.Value[0]));
        }, TimeSpan.FromSeconds(90));
    }

    /// <summary>
    /// Per market: the longest stretch without an acknowledgement that overlaps the fault, and when it served again; and
    /// how every request from the fault until both markets served again was answered.
    /// </summary>
    private static void Report(StringBuilder report, string fault, TimeSpan from, TimeSpan to, Dictionary<string, TimeSpan> servedAgain,
        Request[] acks, Request[] requests)
    {
        var window = requests.Where(r => r.At >= from && r.At <= servedAgain.Values.Max()).ToArray();
        var answers = string.Join(", ", window.GroupBy(r => r.Answer == Answer.Refused ? r.Detail : r.Answer.ToString())
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
        report.AppendLine(CultureInfo.InvariantCulture, $"{fault} at {Seconds(from)}; answers until both markets served again: {answers}");
        foreach (var (symbol, first) in servedAgain.OrderBy(s => s.Key))
        {
            var times = acks.Where(a => a.Symbol == symbol).Select(a => a.At).Order().ToArray();
            var longest = times.Zip(times.Skip(1)).Where(g => g.Second >= from && g.First <= first).Select(g => g.Second - g.First).DefaultIfEmpty().Max();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"  {symbol}: first acknowledgement {Seconds(first - to)} after {(from == to ? "the fault" : "it ended")}, longest gap {Seconds(longest)}");
        }
    }

    private static decimal Number(JsonElement element, string name) =>
        decimal.Parse(element.GetProperty(name).GetString()!, NumberStyles.Number | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.00} s";
}
