using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Generates requests that must all be refused with a 4xx and a code, and change nothing: malformed bodies and
/// parameters, wrong types, huge numbers, forged or stale signatures, replays, other accounts' orders, orders the
/// venue's rules refuse, and operator calls without the token or with broken input; bodies on GET and DELETE (the query
/// or part of the path moved into the body, which once signed like the target), a revoked key, replays meant for
/// another gateway, key rotation and revocation without the token. Seeded, so a failure repeats.
/// </summary>
internal sealed class HostileRequests(Random random, Trader attacker, Trader victim, long victimOrderId, string symbol, HttpClient admin,
    Trader revoked)
{
    private static readonly string[] Garbage =
    [
        "", " ", "null", "true", "-1", "1e9", "0x1F", "NaN", "Infinity", "[]", "{}", "\"\"", "buy ", "BUY", "Buy", "limit\u0000",
        "65000.5.5", "1,5", "١", "𝟙", "+1", "--1", "1e-3", ".5", "5.", "0.0000000000000000000000000001",
        "99999999999999999999999999999999999999", "-0", "\u202e1", "' or 1=1 --", "<script>", "%00", "\\u0000", new string('9', 400),
    ];

    private static readonly string[] Fields = ["symbol", "side", "type", "price", "size", "timeInForce", "postOnly", "reduceOnly", "clientOrderId", "selfTradePrevention"];

    public sealed record Hostile(string Description, Func<HttpRequestMessage> Build);

    public Hostile Next() => random.Next(16) switch
    {
        14 => BodyWhereNoneBelongs(),
        15 => RevokedOrKeyAdmin(),
        0 or 1 or 2 => MutatedOrder(),
        3 => BrokenJson(),
        4 => ForgedSignature(),
        5 => StaleOrReplayed(),
        6 => OthersOrder(),
        7 => RefusedByRules(),
        8 => BadQuery(),
        9 => BadPath(),
        10 => AdminWithoutToken(),
        11 => AdminWithBrokenInput(),
        12 => BadWithdrawal(),
        _ => BadAmend(),
    };

    private JsonObject ValidOrder() => new()
    {
        ["symbol"] = symbol, ["side"] = Pick("buy", "sell"), ["type"] = "limit", ["price"] = "100", ["size"] = "0.001",
        ["timeInForce"] = "gtc", ["clientOrderId"] = $"fuzz-{random.Next()}",
    };

    private Hostile MutatedOrder()
    {
        var order = ValidOrder();
        string what;
        switch (random.Next(12))
        {
            case 0:
                var field = Pick("symbol", "side", "type", "price", "size");
                order.Remove(field);
                what = $"without {field}";
                break;
            case 1:
                field = Pick(Fields);
                order[field] = WrongType(field);
                what = $"{field} of a wrong type";
                break;
            case 2:
                field = Pick("side", "type", "timeInForce", "selfTradePrevention");
                order[field] = Pick(Garbage);
                what = $"{field} a wrong word";
                break;
            case 3:
                field = Pick("price", "size");
                order[field] = field == "price"
                    ? Pick([.. Garbage, "100.25", "1000000.5", "100.00000000000000000001", "0", "0.25"])
                    : Pick([.. Garbage, "0.0001", "0.0005", "1000.001", "1001", "0"]);
                what = $"{field} not a whole number of ticks or lots in range";
                break;
            case 4:
                order[$"x{random.Next(1000)}"] = "1";
                what = "an unknown field";
                break;
            case 5:
                order["clientOrderId"] = Pick("", "has space", new string('c', 65), "tab\t", "ünï", "new\nline", "\u0001");
                what = "a bad client order id";
                break;
            case 6:
                order["postOnly"] = true;
                order["timeInForce"] = Pick("ioc", "fok");
                what = "post-only and immediate";
                break;
            case 7:
                order["type"] = "market";
                what = "a market order with a price";
                break;
            case 8:
                order["symbol"] = Pick("NOPE", "btc-perp", "", "A B", new string('Z', 100), "../../admin", "BTC-PERP\u0000");
                what = "an unknown market";
                break;
            case 9:
                order["postOnly"] = Pick<JsonNode?>(JsonValue.Create("true"), JsonValue.Create(1), null) ?? JsonValue.Create("x");
                what = "postOnly not a boolean";
                break;
            case 10:
                order["price"] = JsonValue.Create(random.NextDouble() * 1e6);
                what = "price as a JSON float";
                break;
            default:
                order["symbol"] = new string('S', 20_000);
                what = "a body over the size limit";
                break;
        }
        var body = order.ToJsonString();
        return new($"order: {what}: {Shorten(body)}", () => attacker.Sign(HttpMethod.Post, "/api/v1/orders", body));
    }

    private Hostile BrokenJson()
    {
        var valid = ValidOrder().ToJsonString();
        var body = random.Next(6) switch
        {
            0 => valid[..random.Next(valid.Length - 1)],
            1 => valid.Replace("\"side\"", "\"side\":\"buy\",\"side\"", StringComparison.Ordinal),
            2 => new string('[', 500) + new string(']', 500),
            3 => "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 20)) + "1" + new string('}', 21),
            4 => Encoding.Latin1.GetString([.. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))]),
            _ => Pick("[1,2,3]", "\"order\"", "42", "null", "{\"symbol\":}", "{'symbol':'x'}", "{symbol:1}", "{\"symbol\":\"x\",}"),
        };
        return new($"broken JSON: {Shorten(body)}", () => attacker.Sign(HttpMethod.Post, "/api/v1/orders", body));
    }

    private Hostile ForgedSignature()
    {
        var body = ValidOrder().ToJsonString();
        var how = random.Next(7);
        return new($"forged signature #{how}", () =>
        {
            var request = attacker.Sign(HttpMethod.Post, "/api/v1/orders", body);
            switch (how)
            {
                case 0: Replace(request, "X-SIGNATURE", new string('0', 64)); break;
                case 1: Replace(request, "X-SIGNATURE", request.Headers.GetValues("X-SIGNATURE").Single().ToUpperInvariant()); break;
                case 2: request.Headers.Remove("X-SIGNATURE"); break;
                case 3: Replace(request, "X-API-KEY", victim.ApiKey); break;
                case 4: Replace(request, "X-API-KEY", Pick("", "x", new string('f', 32), "' OR 1=1 --", new string('a', 5000))); break;
                case 5: request.Content = new StringContent(body.Replace("0.001", "0.002", StringComparison.Ordinal), Encoding.UTF8, "application/json"); break;
                default: Replace(request, "X-SIGNATURE", Pick(Garbage)); break;
            }
            return request;
        });
    }

    private Hostile StaleOrReplayed()
    {
        var body = ValidOrder().ToJsonString();
        var how = random.Next(4);
        return new($"stale or replayed #{how}", () => how switch
        {
            0 => attacker.Sign(HttpMethod.Post, "/api/v1/orders", body, timestamp: 1),
            1 => attacker.Sign(HttpMethod.Post, "/api/v1/orders", body, timestamp: long.MaxValue / 1000),
            2 => WithHeader(attacker.Sign(HttpMethod.Post, "/api/v1/orders", body), "X-TIMESTAMP", Pick("-5", "abc", "1.5", new string('9', 30), "")),
            _ => Replayed(),
        });
    }

    /// <summary>A malformed request whose exact copy is sent right after it: the copy must be refused as a replay.</summary>
    private HttpRequestMessage Replayed()
    {
        var request = attacker.Sign(HttpMethod.Get, "/api/v1/orders?status=bogus");
        PendingReplay = Copy(request);
        return request;
    }

    /// <summary>Set when the last request built has a copy to send right after it.</summary>
    public HttpRequestMessage? PendingReplay { get; set; }

    /// <summary>
    /// GET and DELETE with a body, among them the ones that signed like another target before the newline boundary:
    /// a cancel-all in one market sent as a cancel-all everywhere with the query in the body, "/orders/1" + "2".
    /// </summary>
    private Hostile BodyWhereNoneBelongs()
    {
        var how = random.Next(5);
        return new($"a body on GET or DELETE #{how}", () =>
        {
            HttpRequestMessage request;
            switch (how)
            {
                case 0:
                    request = attacker.Sign(HttpMethod.Delete, $"/api/v1/orders?symbol={symbol}");
                    request.RequestUri = new Uri("/api/v1/orders", UriKind.Relative);
                    request.Content = new StringContent($"?symbol={symbol}");
                    break;
                case 1:
                    var digits = victimOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "0";
                    request = attacker.Sign(HttpMethod.Delete, $"/api/v1/orders/{digits}");
                    request.RequestUri = new Uri($"/api/v1/orders/{digits[..^1]}", UriKind.Relative);
                    request.Content = new StringContent(digits[^1..]);
                    break;
                case 2:
                    request = attacker.Sign(HttpMethod.Get, "/api/v1/account", Pick("{}", "x", "?status=open", " "));
                    break;
                case 3:
                    request = attacker.Sign(HttpMethod.Delete, "/api/v1/orders", Pick("{}", $"{{\"symbol\":\"{symbol}\"}}", "\n"));
                    break;
                default:
                    request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/markets/{symbol}/book") { Content = new StringContent("depth=1") };
                    break;
            }
            return request;
        });
    }

    /// <summary>A key that was revoked, and the key endpoints without the admin token.</summary>
    private Hostile RevokedOrKeyAdmin()
    {
        var how = random.Next(4);
        return new($"revoked key or key admin without the token #{how}", () => how switch
        {
            0 => revoked.Sign(HttpMethod.Get, "/api/v1/account"),
            1 => revoked.Sign(HttpMethod.Post, "/api/v1/orders", ValidOrder().ToJsonString()),
            2 => new HttpRequestMessage(HttpMethod.Delete, $"/admin/v1/keys/{Pick(victim.ApiKey, attacker.ApiKey)}"),
            _ => new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/accounts/{victim.AccountId}/keys")
            {
                Content = new StringContent("""{"revokeOthers":true}""", Encoding.UTF8, "application/json"),
            },
        });
    }

    private Hostile OthersOrder()
    {
        var how = random.Next(5);
        return new($"another account's order #{how}", () => how switch
        {
            0 => attacker.Sign(HttpMethod.Delete, $"/api/v1/orders/{victimOrderId}?symbol={symbol}"),
            1 => attacker.Sign(HttpMethod.Delete, $"/api/v1/orders/{victimOrderId}"),
            2 => attacker.Sign(HttpMethod.Get, $"/api/v1/orders/{victimOrderId}?symbol={symbol}"),
            3 => attacker.Sign(HttpMethod.Patch, $"/api/v1/orders/{victimOrderId}?symbol={symbol}", """{"size":"0.001"}"""),
            _ => attacker.Sign(HttpMethod.Delete, "/api/v1/orders/by-client-id/victim-order"),
        });
    }

    private Hostile RefusedByRules()
    {
        var how = random.Next(3);
        var body = how switch
        {
            0 => new JsonObject { ["symbol"] = symbol, ["side"] = "buy", ["type"] = "limit", ["price"] = "1000", ["size"] = "999" }, // margin
            1 => new JsonObject { ["symbol"] = symbol, ["side"] = "buy", ["type"] = "limit", ["price"] = "200", ["size"] = "0.001", ["postOnly"] = true },
            _ => new JsonObject { ["symbol"] = symbol, ["side"] = "sell", ["type"] = "limit", ["price"] = "200", ["size"] = "0.001", ["reduceOnly"] = true },
        };
        var text = body.ToJsonString();
        return new($"refused by the rules: {text}", () => attacker.Sign(HttpMethod.Post, "/api/v1/orders", text));
    }

    private Hostile BadQuery()
    {
        var path = Pick(
            $"/api/v1/markets/{symbol}/book?depth={Pick("0", "-1", "abc", "1001", "99999999999", "1.5", "")}x",
            $"/api/v1/markets/{symbol}/trades?limit={Pick("0", "-1", "abc", "1001", "1e3")}",
            $"/api/v1/markets/{symbol}/book?{Pick("deep", "depth=1&depth=2", "symbol=X")}=1",
            "/api/v1/markets/NOPE/ticker",
            $"/api/v1/markets/{Uri.EscapeDataString(Pick(Garbage.Where(g => g.Length > 0 && !g.Contains('\0', StringComparison.Ordinal)).ToArray()))}/book",
            "/api/v1/orders?status=" + Pick("opened", "OPEN", "1", "closedd"),
            "/api/v1/orders/" + Pick("abc", "0", "-1", "1.5", "99999999999999999999", "%20"),
            "/api/v1/orders/by-client-id/" + Pick(new string('a', 65), "%20space", "%C3%BC"),
            "/api/v1/fills?limit=" + Pick("0", "10000", "x"),
            "/api/v1/account?verbose=1");
        return new($"bad query {path}", () => path.StartsWith("/api/v1/markets", StringComparison.Ordinal)
            ? new HttpRequestMessage(HttpMethod.Get, path)
            : attacker.Sign(HttpMethod.Get, path));
    }

    private Hostile BadPath()
    {
        var path = Pick("/api/v2/orders", "/api/v1/order", "/admin/v2/audit", "/api/v1/markets/X/book/extra", "/.env", "/api/v1/orders/1/2/3",
            "/" + new string('a', 2000));
        var method = Pick(HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch);
        var wrongMethod = Pick(("/api/v1/markets", HttpMethod.Post), ("/api/v1/account", HttpMethod.Delete), ("/admin/v1/audit", HttpMethod.Post),
            ("/api/v1/withdrawals", HttpMethod.Get), ("/api/v1/time", HttpMethod.Put));
        return random.Next(2) == 0
            ? new($"unknown path {method} {Shorten(path)}", () => new HttpRequestMessage(method, path))
            : new($"wrong method {wrongMethod.Item2} {wrongMethod.Item1}", () => new HttpRequestMessage(wrongMethod.Item2, wrongMethod.Item1));
    }

    private Hostile AdminWithoutToken()
    {
        var how = random.Next(3);
        var (path, body) = Pick(("/admin/v1/accounts", "{}"), ($"/admin/v1/accounts/{attacker.AccountId}/deposits", """{"amount":"1000000","transferId":"steal"}"""),
            ($"/admin/v1/markets/{symbol}/mode", """{"mode":"halted"}"""), ($"/admin/v1/markets/{symbol}/mark-price", """{"price":"1"}"""));
        return new($"admin without the token #{how}: {path}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (how == 1) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
            if (how == 2) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");
            return request;
        });
    }

    private Hostile AdminWithBrokenInput()
    {
        var (path, body) = random.Next(6) switch
        {
            0 => ($"/admin/v1/accounts/{Pick("0", "-1", "abc", "99999999", "1.5")}/deposits", """{"amount":"1","transferId":"t"}"""),
            1 => ($"/admin/v1/accounts/{attacker.AccountId}/deposits", $$"""{"amount":{{Quote(Pick(Garbage))}},"transferId":"t"}"""),
            2 => ("/admin/v1/markets", $$"""{"symbol":"FZ-{{random.Next(1000)}}","tickSize":{{Quote(Pick("0", "-1", "x", "1e-3"))}},"lotSize":"0.001","maxPrice":"1000","maxSize":"1"}"""),
            3 => ($"/admin/v1/markets/{symbol}/mode", $$"""{"mode":{{Quote(Pick("OPEN", "closed", "", "1", "open "))}}}"""),
            4 => ($"/admin/v1/markets/{symbol}/mark-price", $$"""{"price":{{Quote(Pick("0.25", "-1", "x", "1000000.5", "1e2"))}}}"""),
            _ => ($"/admin/v1/markets/{symbol}/uncross", """{"referencePrice":"100"}"""), // not in an auction
        };
        return new($"admin broken input: {path} {Shorten(body)}", () =>
            new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json"), Headers = { Authorization = admin.DefaultRequestHeaders.Authorization } });
    }

    private Hostile BadWithdrawal()
    {
        var body = random.Next(3) switch
        {
            0 => $$"""{"amount":{{Quote(Pick(Garbage))}},"transferId":"w-{{random.Next()}}"}""",
            1 => $$"""{"amount":"99999999","transferId":"w-{{random.Next()}}"}""", // more than the account holds
            _ => $$"""{"amount":"1","transferId":{{Quote(Pick("", new string('t', 65), "a b"))}}}""",
        };
        return new($"withdrawal {Shorten(body)}", () => attacker.Sign(HttpMethod.Post, "/api/v1/withdrawals", body));
    }

    private Hostile BadAmend()
    {
        var body = Pick("{}", """{"price":"100.25"}""", """{"size":"0"}""", """{"price":1}""", """{"size":"-1"}""", """{"bogus":"1"}""", "[]");
        var id = Pick("1", "999999", "abc");
        return new($"amend {id} {body}", () => attacker.Sign(HttpMethod.Patch, $"/api/v1/orders/{id}?symbol={symbol}", body));
    }

    private JsonNode? WrongType(string field) => random.Next(5) switch
    {
        0 => JsonValue.Create(random.Next()),
        1 => field is "postOnly" or "reduceOnly" ? JsonValue.Create("true") : JsonValue.Create(true),
        2 => new JsonArray("buy"),
        3 => new JsonObject { ["value"] = "1" },
        _ => field is "postOnly" or "reduceOnly" or "timeInForce" or "clientOrderId" or "selfTradePrevention" ? JsonValue.Create(3.5) : null,
    };

    private T Pick<T>(params T[] options) => options[random.Next(options.Length)];

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";

    private static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string header, string value)
    {
        Replace(request, header, value);
        return request;
    }

    private static HttpRequestMessage Copy(HttpRequestMessage original)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri);
        foreach (var header in original.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return copy;
    }
}
