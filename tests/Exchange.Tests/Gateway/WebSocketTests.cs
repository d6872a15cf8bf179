using System.Globalization;
using System.Net.WebSockets;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Market data over /ws: a snapshot and sequenced deltas that rebuild exactly the book REST reports, and trades.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WebSocketTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task A_snapshot_and_its_deltas_rebuild_exactly_the_book_that_rest_reports()
    {
        var traders = new[] { await Gateway.NewTrader(), await Gateway.NewTrader(), await Gateway.NewTrader() };
        var random = new Random(20240601);
        await Traffic(traders, random, 30); // the book is not empty when the first subscriber arrives

        await using var early = await WebSocketClient.Connect(Gateway);
        var earlyBook = await Subscribe(early);
        await Traffic(traders, random, 60);
        await using var late = await WebSocketClient.Connect(Gateway);
        var lateBook = await Subscribe(late);
        await Traffic(traders, random, 60);

        var rest = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book?depth=1000");
        var sequence = rest.Long("sequence");
        foreach (var (client, book) in new[] { (early, earlyBook), (late, lateBook) })
        {
            // A snapshot may come again (the feed resynchronises after a gap); it resets the book.
            while (book.Sequence < sequence) book.Apply(await client.Expect("delta", "snapshot"));
            Assert.Equal(sequence, book.Sequence);
            Assert.Equal(rest.Node("bids").ToJsonString(), book.Bids);
            Assert.Equal(rest.Node("asks").ToJsonString(), book.Asks);
        }
        Assert.True(earlyBook.Deltas > 0);
        Assert.NotEqual("[]", earlyBook.Bids + earlyBook.Asks);
    }

    [Fact]
    public async Task Trades_arrive_on_the_trades_channel()
    {
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        await using var client = await WebSocketClient.Connect(Gateway);
        await client.Send(new { op = "subscribe", channel = "trades", symbol = Symbol });
        Assert.Equal("trades", (await client.Expect("subscribed"))["channel"]!.GetValue<string>());
        await maker.Limit(Symbol, "sell", "250.5", "0.02");
        await taker.Market(Symbol, "buy", "0.015");
        var trade = await client.Expect("trade");
        Assert.Equal((Symbol, "250.5", "0.015", "buy"), (trade["symbol"]!.GetValue<string>(), trade["price"]!.GetValue<string>(),
            trade["size"]!.GetValue<string>(), trade["side"]!.GetValue<string>()));
        var rest = (await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/trades")).Array.Single()!;
        Assert.Equal(rest["tradeId"]!.GetValue<long>(), trade["tradeId"]!.GetValue<long>());
    }

    [Fact]
    public async Task Bad_requests_on_the_socket_get_error_messages_with_codes()
    {
        await using var client = await WebSocketClient.Connect(Gateway);
        await client.Send("not json");
        Assert.Equal("INVALID_JSON", (await client.Expect("error"))["code"]!.GetValue<string>());
        await client.Send(new { op = "subscribe", channel = "book", symbol = "NOPE" });
        Assert.Equal("UNKNOWN_MARKET", (await client.Expect("error"))["code"]!.GetValue<string>());
        await client.Send(new { op = "subscribe", channel = "candles", symbol = Symbol });
        Assert.Equal("INVALID_FIELD", (await client.Expect("error"))["code"]!.GetValue<string>());
        await client.Send(new { op = "dance" });
        Assert.Equal("INVALID_FIELD", (await client.Expect("error"))["code"]!.GetValue<string>());
        await client.Send(new { op = "subscribe", symbol = Symbol });
        Assert.Equal("MISSING_FIELD", (await client.Expect("error"))["code"]!.GetValue<string>());
        await client.Send(new { op = "ping" });
        await client.Expect("pong");
        await client.Send(new string('x', 10_000));
        Assert.Equal("PAYLOAD_TOO_LARGE", (await client.Expect("error"))["code"]!.GetValue<string>());
        Assert.Null(await client.Receive());
    }

    private async Task<WebSocketBook> Subscribe(WebSocketClient client)
    {
        await client.Send(new { op = "subscribe", channel = "book", symbol = Symbol });
        Assert.Equal("book", (await client.Expect("subscribed"))["channel"]!.GetValue<string>());
        var book = new WebSocketBook();
        book.Apply(await client.Expect("snapshot"));
        return book;
    }

    /// <summary>Random limit orders around a mid price (many cross and trade), some market orders and cancels.</summary>
    private async Task Traffic(Trader[] traders, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var trader = traders[random.Next(traders.Length)];
            var roll = random.Next(10);
            if (roll == 0)
            {
                var open = (await trader.Get($"/api/v1/orders?symbol={Symbol}")).Array;
                if (open.Count > 0)
                    Assert.Equal(200, (await trader.Delete($"/api/v1/orders/{open[random.Next(open.Count)]!["orderId"]}?symbol={Symbol}")).Status);
                continue;
            }
            var side = random.Next(2) == 0 ? "buy" : "sell";
            var size = (random.Next(1, 20) / 1000m).ToString(CultureInfo.InvariantCulture);
            if (roll == 1)
            {
                var market = await trader.Market(Symbol, side, size);
                Assert.True(market.Status is 201 or 422, market.ToString()); // NO_LIQUIDITY on an empty side
                continue;
            }
            var price = (100 + random.Next(-20, 21) * 0.5m).ToString(CultureInfo.InvariantCulture);
            var placed = await trader.Limit(Symbol, side, price, size);
            Assert.True(placed.Status == 201, placed.ToString());
        }
    }
}
