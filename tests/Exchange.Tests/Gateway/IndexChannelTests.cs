using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The WebSocket channel <c>index</c>: the index's view when subscribing, then the view again whenever it changes
/// (the gateway reads each watched index once a poll interval, on its clock, which the test moves).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IndexChannelTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task A_subscriber_gets_the_view_then_each_change()
    {
        var index = await Gateway.NewIndex(minFeeds: 1);
        var feed = await Gateway.NewFeed(index, "sim-1");
        Assert.Equal(200, (await feed.Publish("100")).Status);

        await using var socket = await WebSocketClient.Connect(Gateway);
        await socket.Send(new { op = "subscribe", channel = "index", index });
        var ack = await socket.Expect("subscribed");
        Assert.Equal(("index", index), (ack["channel"]!.GetValue<string>(), ack["index"]!.GetValue<string>()));
        var first = await socket.Expect("index");
        Assert.Equal(index, first["index"]!.GetValue<string>());
        Assert.Equal("100", first["data"]!["feeds"]![0]!["price"]!.GetValue<string>());

        Assert.Equal(200, (await feed.Publish("101.25")).Status);
        Gateway.Clock.Advance(TimeSpan.FromSeconds(1)); // the hub's next read of the oracle
        var next = await Polling.Eventually(async () =>
        {
            var message = await socket.Expect("index");
            Assert.Equal("101.25", message["data"]!["feeds"]![0]!["price"]!.GetValue<string>());
            return message;
        });
        Assert.Equal("index", next["channel"]!.GetValue<string>());

        await socket.Send(new { op = "unsubscribe", channel = "index", index });
        Assert.Equal("unsubscribed", (await socket.Expect("unsubscribed"))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_indices_and_malformed_subscriptions_are_errors()
    {
        await using var socket = await WebSocketClient.Connect(Gateway);
        await socket.Send(new { op = "subscribe", channel = "index", index = "NO-SUCH-INDEX" });
        await socket.Expect("subscribed");
        Assert.Equal("UNKNOWN_INDEX", (await socket.Expect("error"))["code"]!.GetValue<string>());
        await socket.Send(new { op = "subscribe", channel = "index" });
        Assert.Equal("MISSING_FIELD", (await socket.Expect("error"))["code"]!.GetValue<string>());
        await socket.Send(new { op = "subscribe", channel = "book", symbol = Symbol, index = "X" });
        Assert.Equal("UNKNOWN_FIELD", (await socket.Expect("error"))["code"]!.GetValue<string>());
        await socket.Send(new { op = "ping" });
        await socket.Expect("pong");
    }
}
