using System.Text.Json.Nodes;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>The public endpoints, path by path, through the gateway on a real cluster over PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PublicApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(postgres);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Task<Api.Response> Get(string path) => Api.Send(_gateway.Anonymous, HttpMethod.Get, path);

    [Fact]
    public async Task Markets_list_their_specs_in_human_units_and_their_mode()
    {
        var symbol = await _gateway.NewMarket();
        var all = await Get("/api/v1/markets");
        Assert.Equal(200, all.Status);
        var market = all.Array.Single(m => m!["symbol"]!.GetValue<string>() == symbol)!;
        Assert.Equal("0.5", market["tickSize"]!.GetValue<string>());
        Assert.Equal("0.001", market["lotSize"]!.GetValue<string>());
        Assert.Equal("0.5", market["minPrice"]!.GetValue<string>());
        Assert.Equal("1000000", market["maxPrice"]!.GetValue<string>());
        Assert.Equal("1000", market["maxSize"]!.GetValue<string>());
        Assert.Equal("open", market["mode"]!.GetValue<string>());

        var halted = await Api.Send(_gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{symbol}/mode", """{"mode":"halted"}""");
        Assert.Equal("halted", halted.String("mode"));
        Assert.Equal("halted", (await Get($"/api/v1/markets/{symbol}")).String("mode"));
    }

    [Fact]
    public async Task Book_trades_and_ticker_show_the_market_in_decimal_strings()
    {
        var symbol = await _gateway.NewMarket();
        var maker = await _gateway.NewTrader();
        var taker = await _gateway.NewTrader();
        Assert.Equal(201, (await maker.Limit(symbol, "sell", "101", "0.5")).Status);
        Assert.Equal(201, (await maker.Limit(symbol, "sell", "102.5", "0.3")).Status);
        Assert.Equal(201, (await maker.Limit(symbol, "buy", "99", "0.2")).Status);
        Assert.Equal(201, (await taker.Limit(symbol, "buy", "101", "0.1")).Status);

        var book = await Get($"/api/v1/markets/{symbol}/book?depth=1");
        Assert.Equal(symbol, book.String("symbol"));
        Assert.True(book.Long("sequence") > 0);
        Assert.Equal("""[["101","0.4"]]""", book.Node("asks").ToJsonString());
        Assert.Equal("""[["99","0.2"]]""", book.Node("bids").ToJsonString());
        Assert.Equal("""[["101","0.4"],["102.5","0.3"]]""", (await Get($"/api/v1/markets/{symbol}/book")).Node("asks").ToJsonString());

        var trade = Assert.Single((await Get($"/api/v1/markets/{symbol}/trades?limit=10")).Array)!;
        Assert.Equal(("101", "0.1", "buy"), (trade["price"]!.GetValue<string>(), trade["size"]!.GetValue<string>(), trade["side"]!.GetValue<string>()));

        var ticker = await Get($"/api/v1/markets/{symbol}/ticker");
        Assert.Equal(("99", "0.2", "101", "0.4", "101", "101"), (ticker.String("bestBid"), ticker.String("bestBidSize"),
            ticker.String("bestAsk"), ticker.String("bestAskSize"), ticker.String("lastPrice"), ticker.String("markPrice")));
    }

    [Fact]
    public async Task Time_health_and_the_openapi_document_answer()
    {
        var time = await Get("/api/v1/time");
        Assert.Equal(_gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds(), time.Long("serverTime"));
        Assert.Equal(200, (await Get("/health/live")).Status);
        var ready = await Get("/health/ready");
        Assert.True(ready.Status == 200, ready.ToString());
        Assert.Equal("Healthy", ready.String("status"));

        var openApi = await Get("/openapi/v1.json");
        Assert.Equal(200, openApi.Status);
        var paths = openApi.Node("paths").AsObject();
        foreach (var path in new[] { "/api/v1/markets", "/api/v1/markets/{symbol}/book", "/api/v1/orders", "/api/v1/orders/{orderId}",
                     "/api/v1/fills", "/api/v1/account", "/api/v1/withdrawals", "/admin/v1/accounts", "/admin/v1/audit" })
            Assert.True(paths.ContainsKey(path), $"OpenAPI lacks {path}");
        var ui = await Get("/scalar");
        if (ui.Status == 302) ui = await Get(ui.Message.Headers.Location!.ToString());
        Assert.True(ui.Status == 200 && ui.Body.Contains("openapi/v1.json", StringComparison.Ordinal), ui.ToString()[..Math.Min(300, ui.ToString().Length)]);
    }

    [Fact]
    public async Task Bad_public_requests_are_problems_with_codes()
    {
        var symbol = await _gateway.NewMarket();
        Api.Problem(await Get("/api/v1/markets/NOPE-PERP/book"), 404, "UNKNOWN_MARKET");
        Api.Problem(await Get("/api/v1/markets/not%20a%20symbol/book"), 404, "UNKNOWN_MARKET");
        Api.Problem(await Get($"/api/v1/markets/{symbol}/book?depth=0"), 400, "INVALID_PARAMETER");
        Api.Problem(await Get($"/api/v1/markets/{symbol}/book?depth=abc"), 400, "INVALID_PARAMETER");
        Api.Problem(await Get($"/api/v1/markets/{symbol}/book?depth=1&depth=2"), 400, "INVALID_PARAMETER");
        Api.Problem(await Get($"/api/v1/markets/{symbol}/book?depht=5"), 400, "UNKNOWN_PARAMETER");
        Api.Problem(await Get($"/api/v1/markets/{symbol}/trades?limit=99999999999"), 400, "INVALID_PARAMETER");
        Api.Problem(await Get("/api/v1/nothing-here"), 404, "NOT_FOUND");
        Api.Problem(await Api.Send(_gateway.Anonymous, HttpMethod.Put, "/api/v1/markets", "{}"), 405, "METHOD_NOT_ALLOWED");
        Api.Problem(await Get("/ws"), 400, "WEBSOCKET_REQUIRED");
        var problem = (await Get("/api/v1/markets/NOPE-PERP")).Json!.AsObject();
        foreach (var field in new[] { "type", "title", "status", "detail", "code" }) Assert.True(problem.ContainsKey(field), field);
        Assert.Equal(404, problem["status"]!.GetValue<int>());
    }
}
