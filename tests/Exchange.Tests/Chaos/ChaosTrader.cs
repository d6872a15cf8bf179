using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Chaos;

/// <summary>How a request ended, as a client sees it.</summary>
internal enum Answer
{
    /// <summary>Acknowledged: durable.</summary>
    Acknowledged,
    /// <summary>Refused, certainly not applied (a 4xx, or a 503 other than OUTCOME_UNKNOWN).</summary>
    Refused,
    /// <summary>OUTCOME_UNKNOWN, or no answer at all: to be settled by asking with the idempotency key.</summary>
    InDoubt,
    /// <summary>Anything else (a 500, a 503 without a code): the venue broke its promise of an honest answer.</summary>
    Broken,
}

internal sealed record Request(string Kind, string Symbol, string Key, TimeSpan At, Answer Answer, string Detail);

internal sealed record PlacedOrder(long AccountId, string Symbol, string ClientOrderId, long OrderId);

/// <summary>
/// One account trading through the gateway as a good client does: signed requests, a client order id on every order and
/// a transfer id on every deposit, and after OUTCOME_UNKNOWN the same request again with the same id, a few times, before
/// leaving it to be settled later. Records every request's answer and every acknowledgement.
/// </summary>
internal sealed class ChaosTrader(long accountId, string apiKey, string secret, HttpClient http, Stopwatch clock)
{
    private const int AsksAfterUnknown = 3;
    /// <summary>
    /// Each market's orders come no faster than this: unpaced, a fast machine gave one account over 1,000 fills in a
    /// market during a rolling restart, more than one page of its fills, and then no position could be checked against them.
    /// </summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan BackOff = TimeSpan.FromMilliseconds(100);
    private static readonly (string Symbol, decimal Mid, decimal Tick, decimal Lot)[] Markets =
        [("BTC-PERP", 64_000m, 0.5m, 0.001m), ("ETH-PERP", 3_000m, 0.05m, 0.01m)];
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);

    public long AccountId => accountId;
    public ConcurrentQueue<Request> Requests { get; } = new();
    public ConcurrentQueue<PlacedOrder> Acknowledged { get; } = new();
    public ConcurrentQueue<(string Symbol, string ClientOrderId)> OrdersInDoubt { get; } = new();
    public ConcurrentQueue<string> TransfersAcknowledged { get; } = new();
    public ConcurrentQueue<string> TransfersInDoubt { get; } = new();

    public static IEnumerable<string> Symbols => Markets.Select(m => m.Symbol);

    /// <summary>Creates and funds an account through the admin API (while the cluster is healthy).</summary>
    public static async Task<ChaosTrader> CreateAsync(HttpClient http, Stopwatch clock)
    {
        var account = await Polling.Eventually(() => AdminJson(http, HttpMethod.Post, "/admin/v1/accounts", """{"label":"chaos"}"""));
        var id = account.GetProperty("accountId").GetInt64();
        var trader = new ChaosTrader(id, account.GetProperty("apiKey").GetString()!, account.GetProperty("apiSecret").GetString()!, http, clock);
        await Polling.Eventually(() => AdminJson(http, HttpMethod.Post, $"/admin/v1/accounts/{id}/deposits",
            $$"""{"amount":"1000000","transferId":"chaos-{{id}}-0"}"""));
        return trader;
    }

    /// <summary>
    /// Orders in each market around its mid (about half of them cross), one request at a time per market so that a
    /// market's stall shows as its own gap, at most one every <see cref="Pace"/>; now and then a deposit.
    /// </summary>
    public Task TradeAsync(CancellationToken stop) => Task.WhenAll(Markets.Select((market, m) => Task.Run(async () =>
    {
        var random = new Random(HashCode.Combine(accountId, m));
        using var pace = new PeriodicTimer(Pace);
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            if (m == 0 && n % 25 == 0) await DepositAsync($"chaos-{accountId}-{n}");
            else await PlaceAsync(market, $"c{accountId}-{m}-{n}", random);
            try { await pace.WaitForNextTickAsync(stop); } // the client's rate, not a wait for anything
            catch (OperationCanceledException) { break; }
        }
    }, CancellationToken.None)));

    /// <summary>One order in the market (asked again with the same id after OUTCOME_UNKNOWN, as in <see cref="TradeAsync"/>); how it ended.</summary>
    public async Task<Answer> PlaceOneAsync(string symbol, string clientOrderId)
    {
        await PlaceAsync(Markets.Single(m => m.Symbol == symbol), clientOrderId, new Random(HashCode.Combine(accountId, clientOrderId)));
        return Requests.Last(r => r.Key == clientOrderId).Answer;
    }

    private async Task PlaceAsync((string Symbol, decimal Mid, decimal Tick, decimal Lot) market, string clientOrderId, Random random)
    {
        var side = random.Next(2) == 0 ? "buy" : "sell";
        var price = market.Mid + market.Tick * random.Next(-6, 7);
        var size = market.Lot * random.Next(1, 4);
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["symbol"] = market.Symbol, ["side"] = side, ["type"] = "limit", ["price"] = Decimal(price), ["size"] = Decimal(size),
            ["timeInForce"] = random.Next(3) == 0 ? "ioc" : "gtc", ["clientOrderId"] = clientOrderId,
        });
        for (var ask = 0; ; ask++)
        {
            var (answer, detail, json) = await Send(() => Signed(HttpMethod.Post, "/api/v1/orders", body));
            Requests.Enqueue(new Request("order", market.Symbol, clientOrderId, clock.Elapsed, answer, detail));
            if (answer == Answer.Acknowledged) Acknowledged.Enqueue(new PlacedOrder(accountId, market.Symbol, clientOrderId, json!.Value.GetProperty("orderId").GetInt64()));
            if (answer != Answer.Acknowledged) await Task.Delay(BackOff); // a client's pause before its next request, not a wait for anything
            if (answer != Answer.InDoubt) return;
            if (ask == AsksAfterUnknown)
            {
                OrdersInDoubt.Enqueue((market.Symbol, clientOrderId));
                return;
            }
        }
    }

    private async Task DepositAsync(string transferId)
    {
        for (var ask = 0; ; ask++)
        {
            var (answer, detail, _) = await Send(() => Admin(HttpMethod.Post, $"/admin/v1/accounts/{accountId}/deposits",
                $$"""{"amount":"1","transferId":"{{transferId}}"}"""));
            Requests.Enqueue(new Request("deposit", "", transferId, clock.Elapsed, answer, detail));
            if (answer == Answer.Acknowledged) TransfersAcknowledged.Enqueue(transferId);
            if (answer != Answer.Acknowledged) await Task.Delay(BackOff);
            if (answer != Answer.InDoubt) return;
            if (ask == AsksAfterUnknown)
            {
                TransfersInDoubt.Enqueue(transferId);
                return;
            }
        }
    }

    /// <summary>Settles an order in doubt by its client order id: true if it was applied, false if not; throws until the venue can tell.</summary>
    public async Task<bool> WasPlaced(string symbol, string clientOrderId)
    {
        using var response = await http.SendAsync(Signed(HttpMethod.Get, $"/api/v1/orders/by-client-id/{clientOrderId}?symbol={symbol}", null));
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (response.IsSuccessStatusCode) return true;
        throw new InvalidOperationException($"{clientOrderId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The order as the venue has it now, by client order id (throws on anything but 200, so callers poll).</summary>
    public Task<JsonElement> Order(string symbol, string clientOrderId) =>
        Json(Signed(HttpMethod.Get, $"/api/v1/orders/by-client-id/{clientOrderId}?symbol={symbol}", null));

    public Task<JsonElement> Fills(string symbol) => Json(Signed(HttpMethod.Get, $"/api/v1/fills?symbol={symbol}&limit=1000", null));

    public Task<JsonElement> Account() => Json(Signed(HttpMethod.Get, "/api/v1/account", null));

    /// <summary>Asks for a deposit again with its transfer id: the answer says whether it was already applied.</summary>
    public Task<JsonElement> RepeatDeposit(string transferId) =>
        Json(Admin(HttpMethod.Post, $"/admin/v1/accounts/{accountId}/deposits", $$"""{"amount":"1","transferId":"{{transferId}}"}"""));

    private async Task<JsonElement> Json(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<(Answer, string, JsonElement?)> Send(Func<HttpRequestMessage> request)
    {
        try
        {
            using var response = await http.SendAsync(request());
            var text = await response.Content.ReadAsStringAsync();
            var code = TryCode(text);
            return ((int)response.StatusCode, code) switch
            {
                (>= 200 and < 300, _) => (Answer.Acknowledged, "2xx", JsonDocument.Parse(text).RootElement.Clone()),
                (503, "OUTCOME_UNKNOWN") => (Answer.InDoubt, code, null),
                (503, { } definite) => (Answer.Refused, definite, null),
                (>= 400 and < 500, { } refused) => (Answer.Refused, refused, null),
                var (status, _) => (Answer.Broken, $"{status} {text}", null),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (Answer.InDoubt, ex.GetType().Name, null);
        }
    }

    private static string? TryCode(string text)
    {
        try { return JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null; }
        catch (JsonException) { return null; }
    }

    /// <summary>X-SIGNATURE = hex HMAC-SHA256(secret, timestamp + METHOD + path-with-query [+ "\n" + body]), X-TIMESTAMP in Unix ms.</summary>
    private HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, string? body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var payload = timestamp + method.Method + pathAndQuery + (body is null ? "" : "\n" + body);
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("X-API-KEY", apiKey);
        request.Headers.TryAddWithoutValidation("X-TIMESTAMP", timestamp);
        request.Headers.TryAddWithoutValidation("X-SIGNATURE", Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(payload))));
        return request;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, string body) => AdminRequest(method, path, body);

    private static HttpRequestMessage AdminRequest(HttpMethod method, string path, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Exchange.Stress.Cluster.ProcessCluster.AdminToken);
        return request;
    }

    public static async Task<JsonElement> AdminJson(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var response = await http.SendAsync(AdminRequest(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Decimal(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
