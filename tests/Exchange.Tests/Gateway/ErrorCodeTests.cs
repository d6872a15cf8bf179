using System.Reflection;
using System.Text;
using Exchange.Client.Errors;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// Every error code the gateway implements, reached through the API: malformed input, refusals by the account and
/// the book, and the operator's mistakes. (Authentication codes: <see cref="SigningTests"/>; RATE_LIMITED:
/// <see cref="RateLimitTests"/>; OUTCOME_UNKNOWN and SERVICE_UNAVAILABLE: <see cref="GatewayFailureTests"/>; the breaker's
/// codes: <see cref="BreakerApiTests"/>.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ErrorCodeTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>Codes no request can provoke through this gateway; each mapping is kept as a defence.</summary>
    private static readonly string[] Unreachable =
    [
        ErrorCodes.InvalidAccount,          // the gateway names only accounts it issued
        ErrorCodes.DuplicateClientOrderId,  // a repeat answers with the original order instead
        ErrorCodes.BadRequest,              // Kestrel's own refusals of broken HTTP (not reachable through a test server)
        ErrorCodes.InternalError,           // a bug
        ErrorCodes.NoIndex,                 // index readings reach markets from their oracle, never through the gateway
        ErrorCodes.InvalidTransfer,         // takeovers, deleveragings and fees come from the liquidation engine only
        ErrorCodes.FundingNotDue,           // funding is settled by the market's schedule, never through the gateway
        ErrorCodes.TransferBeyondPosition,  // as InvalidTransfer: from the liquidation engine only
    ];

    private static readonly string[] SpecCodes = ["INVALID_MARKET_SPEC", "INVALID_FIELD"];

    private GatewayHarness _gateway = null!;
    private string _symbol = "";
    private Trader _trader = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.StartAsync(postgres);
        _symbol = await _gateway.NewMarket();
        _trader = await _gateway.NewTrader("1000");
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<Api.Response> Order(string body) => _trader.Send(HttpMethod.Post, "/api/v1/orders", body.Replace("SYM", _symbol, StringComparison.Ordinal));

    private Task<Api.Response> Mode(string mode) => Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mode", $$"""{"mode":"{{mode}}"}""");

    private Task<Api.Response> Admin(HttpMethod method, string path, string? body = null) => Api.Send(_gateway.Admin, method, path, body);

    /// <summary>Bodies of POST /api/v1/orders and the answer each must get.</summary>
    private static readonly (string Body, int Status, string Code)[] MalformedOrders =
    [
        ("", 400, "INVALID_JSON"),
        ("not json", 400, "INVALID_JSON"),
        ("[]", 400, "INVALID_JSON"),
        ("{", 400, "INVALID_JSON"),
        ("null", 400, "INVALID_JSON"),
        ("""{"symbol":"SYM","symbol":"SYM"}""", 400, "INVALID_JSON"),
        ("""{"symbol":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}}""", 400, "INVALID_JSON"),
        ("{}", 400, "MISSING_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10"}""", 400, "MISSING_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","size":"0.001"}""", 400, "MISSING_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","leverage":"100"}""", 400, "UNKNOWN_FIELD"),
        ("""{"symbol":"SYM","side":"BUY","type":"limit","price":"10","size":"0.001"}""", 400, "INVALID_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"stop","price":"10","size":"0.001"}""", 400, "INVALID_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","timeInForce":"day"}""", 400, "INVALID_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","postOnly":"yes"}""", 400, "INVALID_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","selfTradePrevention":"maybe"}""", 400, "INVALID_FIELD"),
        ("""{"symbol":7,"side":"buy","type":"limit","price":"10","size":"0.001"}""", 400, "INVALID_FIELD"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":10,"size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10.25","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"1e3","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"-10","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"0","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"1000000.5","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"99999999999999999999999999999","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"market","price":"10","size":"0.001"}""", 400, "INVALID_PRICE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":0.001}""", 400, "INVALID_SIZE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.0005"}""", 400, "INVALID_SIZE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"1000.001"}""", 400, "INVALID_SIZE"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","clientOrderId":"has space"}""", 400, "INVALID_CLIENT_ORDER_ID"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","clientOrderId":""}""", 400, "INVALID_CLIENT_ORDER_ID"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","clientOrderId":12}""", 400, "INVALID_CLIENT_ORDER_ID"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","clientOrderId":"ünïcode"}""", 400, "INVALID_CLIENT_ORDER_ID"),
        ("""{"symbol":"SYM","side":"buy","type":"limit","price":"10","size":"0.001","postOnly":true,"timeInForce":"ioc"}""", 400, "INVALID_ORDER_TERMS"),
        ("""{"symbol":"NO-SUCH","side":"buy","type":"limit","price":"10","size":"0.001"}""", 404, "UNKNOWN_MARKET"),
    ];

    [Fact]
    public async Task Malformed_orders_are_refused_with_a_code()
    {
        foreach (var (body, status, code) in MalformedOrders)
        {
            var answer = await Order(body);
            Assert.True(answer.Status == status && answer.Code == code, $"{body} -> expected {status} {code}, got {answer}");
        }
        Assert.Empty((await _trader.Get("/api/v1/orders")).Array);
    }

    [Fact]
    public async Task Transport_level_mistakes_have_codes_too()
    {
        Api.Problem(await Order("{\"symbol\":\"" + new string('x', 20_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE");
        var request = _trader.Sign(HttpMethod.Post, "/api/v1/orders", "{}");
        request.Content = new ByteArrayContent("{}"u8.ToArray()) { Headers = { { "Content-Type", "text/plain" } } };
        Api.Problem(await _trader.Send(request), 415, "UNSUPPORTED_MEDIA_TYPE");
        byte[] invalidUtf8 = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        Api.Problem(await _trader.Send(_trader.Sign(HttpMethod.Post, "/api/v1/orders", invalidUtf8)), 400, "INVALID_JSON");
        Api.Problem(await _trader.Get("/api/v1/orders/abc"), 400, "INVALID_PARAMETER");
        Api.Problem(await _trader.Get("/api/v1/orders/0"), 400, "INVALID_PARAMETER");
        Api.Problem(await _trader.Get("/api/v1/orders/99999999999999999999999"), 400, "INVALID_PARAMETER");
        Api.Problem(await _trader.Get("/api/v1/orders?status=weird"), 400, "INVALID_PARAMETER");
        Api.Problem(await _trader.Get("/api/v1/orders?limit=0"), 400, "INVALID_PARAMETER");
        Api.Problem(await _trader.Get("/api/v1/fills?symbol=X&symbol=Y"), 400, "INVALID_PARAMETER");
        Api.Problem(await _trader.Get("/api/v1/orders?stauts=open"), 400, "UNKNOWN_PARAMETER");
        Api.Problem(await _trader.Get($"/api/v1/orders/by-client-id/{new string('a', 65)}"), 400, "INVALID_CLIENT_ORDER_ID");
        Api.Problem(await _trader.Get("/api/v1/orders/12345"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await _trader.Get("/api/v1/orders/by-client-id/never-used"), 404, "ORDER_NOT_FOUND");
        Api.Problem(await _trader.Send(HttpMethod.Patch, $"/api/v1/orders/1?symbol={_symbol}", "{}"), 400, "MISSING_FIELD");
    }

    [Fact]
    public async Task The_account_refuses_what_its_money_does_not_cover()
    {
        Api.Problem(await _trader.Limit(_symbol, "buy", "1000", "100"), 422, "INSUFFICIENT_MARGIN");
        Api.Problem(await _trader.Post("/api/v1/orders", new { symbol = _symbol, side = "sell", type = "limit", price = "10", size = "0.001", reduceOnly = true }),
            422, "REDUCE_ONLY_WOULD_INCREASE");
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "1000.000001", transferId = "too-much" }), 422, "INSUFFICIENT_FUNDS");
        Assert.Equal(200, (await _trader.Post("/api/v1/withdrawals", new { amount = "1", transferId = "w" })).Status);
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "2", transferId = "w" }), 409, "TRANSFER_ID_CONFLICT");
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "0", transferId = "zero" }), 400, "INVALID_AMOUNT");
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "-5", transferId = "negative" }), 400, "INVALID_AMOUNT");
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "1.0000001", transferId = "fraction" }), 400, "INVALID_AMOUNT");
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "1", transferId = "" }), 400, "INVALID_TRANSFER_ID");
        Api.Problem(await _trader.Post("/api/v1/withdrawals", new { amount = "1" }), 400, "MISSING_FIELD");
        Assert.Equal("999", (await _trader.Get("/api/v1/account")).String("collateral"));
    }

    [Fact]
    public async Task The_book_refuses_what_its_rules_or_mode_do_not_allow()
    {
        var other = await _gateway.NewTrader();
        Api.Problem(await _trader.Market(_symbol, "buy", "0.001"), 422, "NO_LIQUIDITY");
        var resting = (await other.Limit(_symbol, "sell", "100", "0.01")).Long("orderId");
        Api.Problem(await _trader.Limit(_symbol, "buy", "100", "0.001", postOnly: true), 422, "POST_ONLY_WOULD_TAKE");
        Api.Problem(await other.Send(HttpMethod.Patch, $"/api/v1/orders/{resting}?symbol={_symbol}", """{"price":"100","size":"0.01"}"""),
            409, "NO_CHANGE");
        Api.Problem(await _trader.Delete($"/api/v1/orders/{resting}?symbol={_symbol}"), 404, "ORDER_NOT_FOUND");

        Assert.Equal(200, (await Mode("post_only")).Status);
        Api.Problem(await _trader.Limit(_symbol, "buy", "90", "0.001", timeInForce: "ioc"), 422, "MARKET_POST_ONLY");
        Assert.Equal(200, (await Mode("cancel_only")).Status);
        Api.Problem(await _trader.Limit(_symbol, "buy", "90", "0.001"), 422, "MARKET_CANCEL_ONLY");
        Assert.Equal(200, (await Mode("halted")).Status);
        Api.Problem(await _trader.Limit(_symbol, "buy", "90", "0.001"), 422, "MARKET_HALTED");
        Api.Problem(await other.Delete($"/api/v1/orders/{resting}?symbol={_symbol}"), 422, "MARKET_HALTED");
        Api.Problem(await Mode("halted"), 409, "INVALID_MODE");
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/uncross", """{"referencePrice":"100"}"""), 422, "NOT_IN_AUCTION");

        Assert.Equal(200, (await Mode("auction")).Status);
        Api.Problem(await _trader.Market(_symbol, "buy", "0.001"), 422, "MARKET_IN_AUCTION");
        Assert.Equal(201, (await _trader.Limit(_symbol, "buy", "101", "0.004")).Status); // crosses, rests in the auction
        Api.Problem(await Mode("open"), 422, "BOOK_CROSSED");
        var uncrossed = await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/uncross", """{"referencePrice":"100"}""");
        Assert.True(uncrossed.Status == 200, uncrossed.ToString());
        Assert.Equal(("0.004", "open"), (uncrossed.String("volume"), uncrossed.String("mode")));
        Assert.Equal("filled", (await _trader.Get("/api/v1/orders?status=closed")).Array.Single()!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_operator_gets_codes_for_mistakes_too()
    {
        Api.Problem(await Admin(HttpMethod.Post, "/admin/v1/accounts/999999/deposits", """{"amount":"1","transferId":"d"}"""), 404, "ACCOUNT_NOT_FOUND");
        Api.Problem(await Admin(HttpMethod.Post, "/admin/v1/accounts/abc/deposits", """{"amount":"1","transferId":"d"}"""), 400, "INVALID_PARAMETER");
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/accounts/{_trader.AccountId}/deposits", """{"amount":"1.5x","transferId":"d"}"""), 400, "INVALID_AMOUNT");
        Api.Problem(await Admin(HttpMethod.Post, "/admin/v1/accounts", """{"label":5}"""), 400, "INVALID_FIELD");
        const string spec = """{"symbol":"SYM","tickSize":"0.5","lotSize":"0.001","maxPrice":"1000000","maxSize":"1000"}""";
        Api.Problem(await Admin(HttpMethod.Post, "/admin/v1/markets", spec.Replace("SYM", _symbol, StringComparison.Ordinal)), 409, "MARKET_EXISTS");
        foreach (var bad in new[]
        {
            spec.Replace("SYM", "lower-case", StringComparison.Ordinal),
            spec.Replace("\"0.5\"", "\"0\"", StringComparison.Ordinal),
            spec.Replace("\"1000000\"", "\"1000000.25\"", StringComparison.Ordinal),
            spec.Replace("\"0.001\"", "\"0.0000001\"", StringComparison.Ordinal), // tick x lot is not a whole micro-USD
            spec.Replace("\"0.5\"", "\"9999999999999999999\"", StringComparison.Ordinal).Replace("\"0.001\"", "\"9999999999999999999\"", StringComparison.Ordinal),
            spec.Replace("\"1000000\"", "\"0.000000000000000001\"", StringComparison.Ordinal),
            spec.Replace("}", ""","takerFeeBps":-1}""", StringComparison.Ordinal).Replace("SYM", "NEW-A", StringComparison.Ordinal),
        })
            Assert.Contains((await Admin(HttpMethod.Post, "/admin/v1/markets", bad)).Code, SpecCodes);
        Api.Problem(await Admin(HttpMethod.Post, "/admin/v1/markets", spec.Replace("SYM", "TINY", StringComparison.Ordinal)
            .Replace("\"0.001\"", "\"0.0000001\"", StringComparison.Ordinal)), 400, "INVALID_MARKET_SPEC");
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mode", """{"mode":"closed"}"""), 400, "INVALID_FIELD");
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mark-price", """{"price":"0.25"}"""), 400, "INVALID_PRICE");
        Api.Problem(await Admin(HttpMethod.Post, "/admin/v1/markets/NOPE/mark-price", """{"price":"1"}"""), 404, "UNKNOWN_MARKET");
        var mark = await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mark-price", """{"price":"123.5"}""");
        Assert.Equal("123.5", mark.String("markPrice"));
        Assert.Null((await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mark-price", """{"price":"0"}""")).Json!["markPrice"]);

        // The market's terms: a rebate larger than the taker fee, a reason that is not printable text.
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/risk", """{"makerFeeBps":-6,"takerFeeBps":5}"""), 400, "INVALID_RISK");
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mode", """{"mode":"halted","reason":"tab\there"}"""), 400, "INVALID_REASON");
        Api.Problem(await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/risk", """{"takerFeeBps":"5"}"""), 400, "INVALID_FIELD");
    }

    [Fact]
    public async Task The_market_shows_why_it_is_in_its_mode_and_the_fees_in_force()
    {
        var halted = await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mode", """{"mode":"halted","reason":"exchange maintenance"}""");
        Assert.Equal(200, halted.Status);
        var repriced = await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/risk", """{"makerFeeBps":0,"takerFeeBps":7}""");
        Assert.True(repriced.Status == 200, repriced.ToString());
        await Admin(HttpMethod.Post, $"/admin/v1/markets/{_symbol}/mark-price", """{"price":"101.5"}""");

        var market = await Api.Send(_gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{_symbol}");
        Assert.Equal(("halted", "operator", "exchange maintenance", "101.5"),
            (market.String("mode"), market.String("modeSetBy"), market.String("modeReason"), market.String("markPrice")));
        Assert.Equal((0L, 7L), (market.Long("makerFeeBps"), market.Long("takerFeeBps")));
    }

    [Fact]
    public void Every_code_is_reached_by_a_test_or_listed_as_unreachable()
    {
        var all = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet();
        var tests = string.Concat(Directory.GetFiles(SourceDirectory(), "*.cs").Select(File.ReadAllText));
        var missing = all.Where(code => !Unreachable.Contains(code) && !tests.Contains('"' + code + '"', StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "codes no gateway test provokes: " + string.Join(", ", missing));
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
