using System.Globalization;
using System.Text.Json.Nodes;
using Exchange.Client.Accounts;
using Exchange.Client.Security;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Tests.Gateway;

/// <summary>The private WebSocket channels: auth by signature, then the account's orders and fills as the grains settle them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PrivateChannelTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task A_private_channel_needs_auth_first_and_a_bad_auth_says_why()
    {
        var trader = await Gateway.NewTrader();
        await using var client = await WebSocketClient.Connect(Gateway);
        await client.Send(new { op = "subscribe", channel = "orders" });
        Assert.Equal("UNAUTHORIZED", await ErrorCode(client));
        await client.Send(new { op = "subscribe", channel = "fills" });
        Assert.Equal("UNAUTHORIZED", await ErrorCode(client));

        var timestamp = Now();
        await client.Send(new { op = "auth", apiKey = trader.ApiKey, timestamp, signature = Sign(trader.Secret, timestamp, "/api") });
        Assert.Equal("INVALID_SIGNATURE", await ErrorCode(client));
        var old = (Gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds() - 60_000).ToString(CultureInfo.InvariantCulture);
        await client.Send(new { op = "auth", apiKey = trader.ApiKey, timestamp = old, signature = Sign(trader.Secret, old) });
        Assert.Equal("TIMESTAMP_OUT_OF_WINDOW", await ErrorCode(client));
        await client.Send(new { op = "auth", apiKey = "nobody", timestamp, signature = Sign(trader.Secret, timestamp) });
        Assert.Equal("UNAUTHORIZED", await ErrorCode(client));

        var auth = new { op = "auth", apiKey = trader.ApiKey, timestamp, signature = Sign(trader.Secret, timestamp) };
        await client.Send(auth);
        Assert.Equal(trader.AccountId, (await client.Expect("authenticated"))["accountId"]!.GetValue<long>());
        await using var replaying = await WebSocketClient.Connect(Gateway);
        await replaying.Send(auth);
        Assert.Equal("REPLAYED_REQUEST", await ErrorCode(replaying));
        await replaying.Send(new { op = "subscribe", channel = "orders" });
        Assert.Equal("UNAUTHORIZED", await ErrorCode(replaying));
    }

    [Fact]
    public async Task Orders_and_fills_of_the_account_arrive_as_rest_shows_them_on_every_socket_of_the_account()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        var poor = await Gateway.NewTrader(deposit: "1");
        await using var first = await Authenticated(maker, "orders", "fills");
        await using var second = await Authenticated(maker, "orders");
        await using var others = await Authenticated(taker, "orders", "fills");
        await using var refused = await Authenticated(poor, "orders");
        Assert.Equal(3, Gateway.App.Services.GetRequiredService<AccountFeedHub>().Accounts); // four sockets, three accounts, three grain subscriptions

        var placed = await maker.Limit(Symbol, "sell", "250.5", "0.02", clientOrderId: "ask-1");
        Assert.Equal(201, placed.Status);
        foreach (var socket in new[] { first, second })
        {
            var update = await socket.Expect("order");
            Assert.Equal("new", update["data"]!["status"]!.GetValue<string>());
            Assert.Equal(placed.Json!.ToJsonString(), update["data"]!.ToJsonString()); // the REST order, exactly
        }

        Assert.Equal(201, (await taker.Market(Symbol, "buy", "0.015")).Status);
        var fill = await first.Expect("fill");
        var order = await first.Expect("order");
        var rest = await maker.Get($"/api/v1/orders/{placed.Long("orderId")}?symbol={Symbol}");
        Assert.Equal(rest.Json!.ToJsonString(), order["data"]!.ToJsonString());
        Assert.Equal("partially_filled", order["data"]!["status"]!.GetValue<string>());
        Assert.Equal(("0.015", "250.5", "maker", "ask-1"), (Text(fill["data"]!, "size"), Text(fill["data"]!, "price"),
            Text(fill["data"]!, "liquidity"), Text(fill["data"]!, "clientOrderId")));
        var trade = (await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/trades")).Array.Single()!;
        Assert.Equal(trade["tradeId"]!.GetValue<long>(), fill["sequence"]!.GetValue<long>());
        Assert.Equal("partially_filled", (await second.Expect("order"))["data"]!["status"]!.GetValue<string>());

        // The taker's market order: accepted, filled, and its unfilled rest expired, each an update; and its fill.
        var takerStatuses = new List<string>();
        var takerFills = 0;
        while (takerStatuses.LastOrDefault() != "filled")
        {
            var message = await others.Expect("order", "fill");
            if (message["type"]!.GetValue<string>() == "fill") takerFills++;
            else takerStatuses.Add(message["data"]!["status"]!.GetValue<string>());
        }
        Assert.Equal(1, takerFills);
        Assert.Equal("new", takerStatuses[0]);

        Assert.Equal(200, (await maker.Delete($"/api/v1/orders/{placed.Long("orderId")}?symbol={Symbol}")).Status);
        Assert.Equal("cancelled", (await first.Expect("order"))["data"]!["status"]!.GetValue<string>());

        var tooBig = await poor.Limit(Symbol, "buy", "250", "10", clientOrderId: "too-big");
        Api.Problem(tooBig, 422, "INSUFFICIENT_MARGIN");
        var rejected = await refused.Expect("order");
        Assert.Equal(("rejected", "too-big", "INSUFFICIENT_MARGIN"),
            (Text(rejected["data"]!, "status"), Text(rejected["data"]!, "clientOrderId"), Text(rejected, "code")));
    }

    [Fact]
    public async Task An_order_placed_before_the_subscription_is_reported_whole_when_it_fills()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        var placed = await maker.Limit(Symbol, "buy", "99.5", "0.01");
        Assert.Equal(201, (await maker.Limit(Symbol, "buy", "99", "0.01")).Status); // the account has history here
        await using var client = await Authenticated(maker, "orders");
        Assert.Equal(201, (await taker.Market(Symbol, "sell", "0.004")).Status);
        var order = await client.Expect("order");
        var rest = await maker.Get($"/api/v1/orders/{placed.Long("orderId")}?symbol={Symbol}");
        Assert.Equal(rest.Json!.ToJsonString(), order["data"]!.ToJsonString());
        Assert.Equal("partially_filled", Text(order["data"]!, "status"));
    }

    [Fact]
    public async Task The_last_socket_of_an_account_to_leave_ends_its_subscription()
    {
        var trader = await Gateway.NewTrader();
        var hub = Gateway.App.Services.GetRequiredService<AccountFeedHub>();
        var first = await Authenticated(trader, "orders");
        var second = await Authenticated(trader, "fills");
        Assert.Equal(1, hub.Accounts);
        await first.DisposeAsync();
        Assert.Equal(1, hub.Accounts);
        await second.DisposeAsync(); // the close handshake completes after the gateway let go of the socket's feeds
        Assert.Equal(0, hub.Accounts);
    }

    private async Task<WebSocketClient> Authenticated(Trader trader, params string[] channels)
    {
        var client = await WebSocketClient.Connect(Gateway);
        var timestamp = Now();
        await client.Send(new { op = "auth", apiKey = trader.ApiKey, timestamp, signature = Sign(trader.Secret, timestamp) });
        await client.Expect("authenticated");
        foreach (var channel in channels)
        {
            await client.Send(new { op = "subscribe", channel });
            Assert.Equal(channel, (await client.Expect("subscribed"))["channel"]!.GetValue<string>());
        }
        return client;
    }

    /// <summary>The fake clock's time, a millisecond on each call so that no two signatures repeat.</summary>
    private string Now()
    {
        Gateway.Clock.Advance(TimeSpan.FromMilliseconds(1));
        return Gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    }

    internal static string Sign(string secret, string timestamp, string path = "/ws") =>
        RequestSignature.Compute(secret, timestamp, "GET", path, []);

    private static async Task<string> ErrorCode(WebSocketClient client) => Text(await client.Expect("error"), "code");

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();
}
