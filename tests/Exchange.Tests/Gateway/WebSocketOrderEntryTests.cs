using System.Globalization;
using System.Text.Json.Nodes;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Order entry over an authenticated /ws: the REST API's validation, codes and idempotency, answered with the request id.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WebSocketOrderEntryTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private static (int Status, string? Code) Outcome(JsonNode answer) =>
        (answer["status"]!.GetValue<int>(), answer["error"]?["code"]?.GetValue<string>());

    private static string Text(JsonNode? node, string name) => node![name]!.GetValue<string>();

    [Fact]
    public async Task Orders_are_placed_amended_and_cancelled_with_the_rest_codes_and_answered_by_id()
    {
        var trader = await Gateway.NewTrader();
        await using var client = await WebSocketClient.Connect(Gateway);
        await client.Send(new { op = "order.place", id = 1, args = new { symbol = Symbol, side = "buy", type = "limit", price = "100", size = "0.1" } });
        var unauthenticated = await client.Expect("response");
        Assert.Equal((401, "UNAUTHORIZED"), Outcome(unauthenticated));
        Assert.Equal(1, unauthenticated["id"]!.GetValue<int>());

        await Authenticate(client, trader, Gateway);
        await client.Send(new { op = "order.place", id = "p-1", args = new { symbol = Symbol, side = "buy", type = "limit", price = "100", size = "0.1", clientOrderId = "ws-1" } });
        var placed = await client.Expect("response");
        Assert.Equal(("order.place", "p-1", 201), (Text(placed, "op"), Text(placed, "id"), placed["status"]!.GetValue<int>()));
        var orderId = placed["order"]!["orderId"]!.GetValue<long>();
        Assert.Equal(("new", "100", "ws-1"), (Text(placed["order"], "status"), Text(placed["order"], "price"), Text(placed["order"], "clientOrderId")));
        // Answered after the commit: REST already shows it.
        Assert.Equal("new", (await trader.Get($"/api/v1/orders/{orderId}?symbol={Symbol}")).String("status"));

        await client.Send(new { op = "order.place", id = 2, args = new { symbol = Symbol, side = "buy", type = "limit", price = "99", size = "0.5", clientOrderId = "ws-1" } });
        var repeated = await client.Expect("response");
        Assert.Equal((200, orderId, "100"), (repeated["status"]!.GetValue<int>(), repeated["order"]!["orderId"]!.GetValue<long>(), Text(repeated["order"], "price")));

        var refusals = new (object Args, int Status, string Code)[]
        {
            (new { symbol = Symbol, side = "buy", type = "limit", price = "100.25", size = "0.1" }, 400, "INVALID_PRICE"),
            (new { symbol = Symbol, side = "sell", type = "limit", price = "900000", size = "999" }, 422, "INSUFFICIENT_MARGIN"),
            (new { symbol = Symbol, side = "buy", type = "limit", price = "100", size = "0.1", colour = "red" }, 400, "UNKNOWN_FIELD"),
            (new { symbol = "NOPE-PERP", side = "buy", type = "limit", price = "100", size = "0.1" }, 404, "UNKNOWN_MARKET"),
        };
        foreach (var (args, status, code) in refusals)
        {
            await client.Send(new { op = "order.place", id = code, args });
            var refused = await client.Expect("response");
            Assert.Equal((code, status, code), (Text(refused, "id"), refused["status"]!.GetValue<int>(), refused["error"]!["code"]!.GetValue<string>()));
            Assert.Null(refused["order"]);
        }
        await client.Send(new { op = "order.place", args = new { symbol = Symbol } });
        Assert.Equal((400, "MISSING_FIELD"), Outcome(await client.Expect("response")));

        await client.Send(new { op = "order.amend", id = 3, args = new { symbol = Symbol, orderId, price = "101" } });
        var amended = await client.Expect("response");
        Assert.Equal((200, "101", "0.1"), (amended["status"]!.GetValue<int>(), Text(amended["order"], "price"), Text(amended["order"], "size")));
        await client.Send(new { op = "order.amend", id = 4, args = new { symbol = Symbol, orderId, price = "101", openSize = "0.05" } });
        Assert.Equal((409, "ORDER_CHANGED"), Outcome(await client.Expect("response")));

        await client.Send(new { op = "order.cancel", id = 5, args = new { symbol = Symbol, clientOrderId = "ws-1" } });
        var cancelled = await client.Expect("response");
        Assert.Equal((200, "cancelled"), (cancelled["status"]!.GetValue<int>(), Text(cancelled["order"], "status")));
        await client.Send(new { op = "order.cancel", id = 6, args = new { symbol = Symbol, orderId } });
        Assert.Equal((404, "ORDER_NOT_FOUND"), Outcome(await client.Expect("response")));
        Assert.Empty((await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array);
    }

    [Fact]
    public async Task Pipelined_orders_are_each_answered_once_with_their_id()
    {
        var trader = await Gateway.NewTrader();
        await using var client = await WebSocketClient.Connect(Gateway);
        await Authenticate(client, trader, Gateway);
        const int count = 40;
        for (var i = 0; i < count; i++)
            await client.Send(new { op = "order.place", id = i, args = new { symbol = Symbol, side = "buy", type = "limit", price = (50 + i).ToString(CultureInfo.InvariantCulture), size = "0.01" } });
        var answered = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var answer = await client.Expect("response");
            Assert.Equal(201, answer["status"]!.GetValue<int>());
            Assert.True(answered.Add(answer["id"]!.GetValue<int>()));
        }
        Assert.Equal(Enumerable.Range(0, count), answered.Order());
        Assert.Equal(count, (await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array.Count);
    }

    [Fact]
    public async Task Orders_spend_the_keys_order_bucket_not_the_sockets_message_budget()
    {
        await using var strict = await Gateway.StartAnotherGateway(new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:WebSocketMessages:Burst"] = "3",
            ["Gateway:RateLimits:WebSocketMessages:PerSecond"] = "1",
            ["Gateway:RateLimits:WebSocketMessages:Period"] = "01:00:00",
            ["Gateway:RateLimits:Orders:Burst"] = "8",
            ["Gateway:RateLimits:Orders:PerSecond"] = "1",
            ["Gateway:RateLimits:Orders:Period"] = "01:00:00",
        });
        var trader = strict.As(await Gateway.NewTrader());
        await using var client = await WebSocketClient.Connect(strict);
        await Authenticate(client, trader, strict);
        for (var i = 0; i < 10; i++)
            await client.Send(new { op = "order.place", id = i, args = new { symbol = Symbol, side = "buy", type = "limit", price = "100", size = "0.01" } });
        var outcomes = new List<(int, string?)>();
        for (var i = 0; i < 10; i++) outcomes.Add(Outcome(await client.Expect("response")));
        Assert.Equal(8, outcomes.Count(o => o == (201, null)));
        Assert.Equal(2, outcomes.Count(o => o == (429, "RATE_LIMITED")));
        await client.Send(new { op = "ping" });
        await client.Expect("pong");
    }

    private static async Task Authenticate(WebSocketClient client, Trader trader, GatewayHarness gateway)
    {
        gateway.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var timestamp = gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        await client.Send(new { op = "auth", apiKey = trader.ApiKey, timestamp, signature = PrivateChannelTests.Sign(trader.Secret, timestamp) });
        await client.Expect("authenticated");
    }
}
