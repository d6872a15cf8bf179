using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The Binance-compatible surface's own rules, byte for byte over the test server: signing over the query string and
/// the body, the timestamp window and recvWindow, replays, strict parameters, the symbol mapping and error codes.
/// (CcxtBinanceTests shows the whole surface with the real CCXT client.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BinanceApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;
    private Trader _trader = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.StartAsync(postgres);
        foreach (var symbol in new[] { "ETH-PERP", "ETH-SPOTLIKE" })
            Assert.Equal(201, (await Api.Send(_gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
            {
                symbol, tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000", marketProtection = "50",
            }))).Status);
        _trader = await _gateway.NewTrader("100000");
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private long Now => _gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Sign(string secret, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    /// <summary>Signs query + body as Binance does; the signature goes in the body for POST, in the query otherwise.</summary>
    private Task<Api.Response> Signed(HttpMethod method, string path, string parameters, long? timestamp = null, string? secret = null)
    {
        var all = $"{parameters}{(parameters.Length == 0 ? "" : "&")}timestamp={timestamp ?? Now}";
        var signed = $"{all}&signature={Sign(secret ?? _trader.Secret, all)}";
        var request = method == HttpMethod.Post
            ? new HttpRequestMessage(method, path) { Content = new StringContent(signed, Encoding.UTF8, "application/x-www-form-urlencoded") }
            : new HttpRequestMessage(method, $"{path}?{signed}");
        request.Headers.Add("X-MBX-APIKEY", _trader.ApiKey);
        return Api.Read(_gateway.Anonymous.SendAsync(request));
    }

    private Task<Api.Response> Raw(HttpRequestMessage request)
    {
        request.Headers.Add("X-MBX-APIKEY", _trader.ApiKey);
        return Api.Read(_gateway.Anonymous.SendAsync(request));
    }

    private static void AssertBinanceError(Api.Response response, int status, int code)
    {
        Assert.True(response.Status == status, response.ToString());
        Assert.True(response.Json?["code"]?.GetValue<int>() == code, response.ToString());
        Assert.False(string.IsNullOrEmpty(response.Json?["msg"]?.GetValue<string>()), response.ToString());
    }

    private const string Order = "symbol=ETHUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=1500.5";

    [Fact]
    public async Task A_signature_over_the_body_or_over_the_query_places_an_order_and_a_replay_is_refused()
    {
        var inBody = await Signed(HttpMethod.Post, "/fapi/v1/order", Order + "&newClientOrderId=body-1");
        Assert.True(inBody.Status == 200, inBody.ToString());
        Assert.Equal("NEW", inBody.String("status"));
        Assert.Equal("ETHUSDT", inBody.String("symbol"));
        Assert.Equal("1500.5", inBody.String("price"));
        Assert.Equal("0.01", inBody.String("origQty"));

        // Binance signs query and body together: here the order terms in the query, the timestamp and signature in the body.
        var body = $"timestamp={Now}";
        var query = Order + "&newClientOrderId=query-1";
        using var split = new HttpRequestMessage(HttpMethod.Post, $"/fapi/v1/order?{query}")
        {
            Content = new StringContent($"{body}&signature={Sign(_trader.Secret, query + body)}", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var answered = await Raw(split);
        Assert.True(answered.Status == 200, answered.ToString());
        Assert.Equal("query-1", answered.String("clientOrderId"));

        var get = $"symbol=ETHUSDT&origClientOrderId=body-1&timestamp={Now}";
        var url = $"/fapi/v1/order?{get}&signature={Sign(_trader.Secret, get)}";
        using (var first = new HttpRequestMessage(HttpMethod.Get, url)) Assert.Equal(200, (await Raw(first)).Status);
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        AssertBinanceError(await Raw(again), 400, -1021);
    }

    [Fact]
    public async Task The_timestamp_must_be_inside_recvWindow_and_at_most_a_second_ahead()
    {
        AssertBinanceError(await Signed(HttpMethod.Get, "/fapi/v3/account", "", Now + 1_500), 400, -1021);
        AssertBinanceError(await Signed(HttpMethod.Get, "/fapi/v3/account", "", Now - 6_000), 400, -1021);
        Assert.Equal(200, (await Signed(HttpMethod.Get, "/fapi/v3/account", "recvWindow=30000", Now - 20_000)).Status);
        AssertBinanceError(await Signed(HttpMethod.Get, "/fapi/v3/account", "recvWindow=60001"), 400, -1131);
        AssertBinanceError(await Signed(HttpMethod.Get, "/fapi/v3/account", "", secret: "wrong"), 400, -1022);
        using var noKey = new HttpRequestMessage(HttpMethod.Get, "/fapi/v3/account?timestamp=1&signature=00");
        var missing = await Api.Read(_gateway.Anonymous.SendAsync(noKey));
        AssertBinanceError(missing, 401, -2014);
    }

    [Fact]
    public async Task Parameters_are_read_strictly()
    {
        AssertBinanceError(await Signed(HttpMethod.Post, "/fapi/v1/order", Order + "&icebergQty=1"), 400, -1104);
        AssertBinanceError(await Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=ETHUSDT&symbol=ETHUSDT"), 400, -1101);
        AssertBinanceError(await Signed(HttpMethod.Post, "/fapi/v1/order", Order.Replace("type=LIMIT", "type=STOP_MARKET")), 400, -1116);
        AssertBinanceError(await Signed(HttpMethod.Post, "/fapi/v1/order", Order + "&positionSide=LONG"), 400, -4061);
        AssertBinanceError(await Signed(HttpMethod.Post, "/fapi/v1/order", Order.Replace("price=1500.5", "price=1500.3")), 400, -4014);
        AssertBinanceError(await Signed(HttpMethod.Post, "/fapi/v1/order", Order.Replace("&price=1500.5", "")), 400, -1102);
        var depth = await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/depth?symbol=ETHUSDT&limt=5");
        AssertBinanceError(depth, 400, -1104);
    }

    [Fact]
    public async Task Only_PERP_markets_are_listed_and_a_halted_market_is_closed()
    {
        var info = await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/exchangeInfo");
        Assert.Equal(200, info.Status);
        var symbols = info.Node("symbols").AsArray().Select(s => s!["symbol"]!.GetValue<string>()).ToArray();
        Assert.Equal(["ETHUSDT"], symbols);
        AssertBinanceError(await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/depth?symbol=ETHSPOTLIKE"), 400, -1121);
        AssertBinanceError(await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/depth?symbol=BTCUSDT"), 400, -1121);

        var halted = await Api.Send(_gateway.Admin, HttpMethod.Post, "/admin/v1/markets/ETH-PERP/mode", Api.Json(new { mode = "halted" }));
        Assert.True(halted.Status == 200, halted.ToString());
        var refused = await Signed(HttpMethod.Post, "/fapi/v1/order", Order);
        AssertBinanceError(refused, 400, -1013);
        Assert.Equal("Market is closed.", refused.String("msg"));
        info = await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/exchangeInfo");
        Assert.Equal("BREAK", info.Node("symbols")[0]!["status"]!.GetValue<string>());
        var time = await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/time");
        Assert.Equal(Now, long.Parse(time.Node("serverTime").ToString(), CultureInfo.InvariantCulture));
    }
    [Fact]
    public async Task An_order_beyond_a_position_cap_is_refused_as_Binance_does_and_open_interest_is_published()
    {
        var capped = await Api.Send(_gateway.Admin, HttpMethod.Post, "/admin/v1/markets/ETH-PERP/open-interest",
            Api.Json(new { maxPositionSize = "0.005" }));
        Assert.True(capped.Status == 200, capped.ToString());
        // -2027, which CCXT maps to InvalidOrder; nothing rests.
        AssertBinanceError(await Signed(HttpMethod.Post, "/fapi/v1/order", Order), 400, -2027);
        var open = await Signed(HttpMethod.Get, "/fapi/v1/openOrders", "symbol=ETHUSDT");
        Assert.Empty(open.Array);
        var interest = await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/openInterest?symbol=ETHUSDT");
        Assert.True(interest.Status == 200, interest.ToString());
        Assert.Equal(("0", "ETHUSDT"), (interest.String("openInterest"), interest.String("symbol")));
        AssertBinanceError(await Api.Send(_gateway.Anonymous, HttpMethod.Get, "/fapi/v1/openInterest"), 400, -1102);
    }
}
