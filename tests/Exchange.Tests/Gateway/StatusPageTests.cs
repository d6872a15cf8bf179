using System.Text.RegularExpressions;
using Exchange.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The status page in a real headless Chromium against the gateway on a real port: it lists the markets and follows
/// an order and a trade placed through the API live over the WebSocket, and a market paused by its circuit breaker with
/// its band, the countdown to the reopen and the auction's indicative price. Fails (never skips) without a browser.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StatusPageTests(PostgresFixture postgres) : BrowserTests(postgres)
{
    [Fact]
    public async Task The_page_shows_a_new_best_bid_and_a_trade_live()
    {
        var symbol = await Gateway.NewMarket();
        var maker = await Gateway.NewTrader();
        var taker = await Gateway.NewTrader();
        var page = await Browser.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);

        Assert.Equal(200, (await page.GotoAsync(Gateway.Address!.ToString()))!.Status);
        var market = page.Locator($"[data-market=\"{symbol}\"]");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("live", Deadline);
        await Expect(market.Locator(".sequence")).ToHaveTextAsync(new Regex(@"^\d+$"), Deadline); // the book's snapshot arrived
        await Expect(market.Locator(".mode")).ToHaveTextAsync("open", Deadline);

        Assert.Equal(201, (await maker.Limit(symbol, "buy", "250.5", "0.02")).Status);
        await Expect(market.Locator(".best-bid")).ToHaveTextAsync("250.5 (0.02)", Deadline);

        Assert.Equal(201, (await taker.Market(symbol, "sell", "0.005")).Status);
        var trade = market.Locator(".trades tbody tr").First;
        await Expect(trade.Locator(".price")).ToHaveTextAsync("250.5", Deadline);
        await Expect(trade.Locator(".size")).ToHaveTextAsync("0.005", Deadline);
        await Expect(trade.Locator(".sell")).ToHaveTextAsync("sell", Deadline);
        await Expect(market.Locator(".last-price")).ToHaveTextAsync("250.5", Deadline);
        await Expect(market.Locator(".best-bid")).ToHaveTextAsync("250.5 (0.015)", Deadline);
        Assert.Equal(1, await market.Locator(".depth polygon.bids").CountAsync());
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task The_page_shows_a_paused_market_with_its_band_countdown_and_indicative_price()
    {
        var symbol = await Gateway.NewMarket();
        var (maker, taker, late) = (await Gateway.NewTrader(), await Gateway.NewTrader(), await Gateway.NewTrader());
        Assert.Equal(201, (await maker.Limit(symbol, "sell", "100", "1")).Status);
        Assert.Equal(201, (await taker.Limit(symbol, "buy", "100", "1", timeInForce: "ioc")).Status);
        Assert.Equal(200, (await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{symbol}/breaker", "{\"bandBps\":500}")).Status);
        // A market buy sweeps to the ask at 110, beyond the band 95 to 105: the breaker pauses the market.
        Assert.Equal(201, (await maker.Limit(symbol, "sell", "110", "0.5")).Status);
        Assert.Equal(201, (await taker.Market(symbol, "buy", "0.5")).Status);
        // Crossing orders collect in the auction: 0.2 would trade at 102 (asks 0.2 at 102, bids 0.3 at 103).
        Assert.Equal(201, (await late.Limit(symbol, "buy", "103", "0.3")).Status);
        Assert.Equal(201, (await maker.Limit(symbol, "sell", "102", "0.2")).Status);

        // The API says so first (the breaker hears of the trip one way, after the commit).
        await Polling.Eventually(async () =>
        {
            var view = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol}/breaker");
            return view.String("state") == "paused" && view.Json!["reopensAt"] is not null ? view : throw new InvalidOperationException(view.ToString());
        });

        var page = await Browser.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        Assert.Equal(200, (await page.GotoAsync(Gateway.Address!.ToString()))!.Status);
        var market = page.Locator($"[data-market=\"{symbol}\"]");
        await Expect(market.Locator(".breaker-state")).ToHaveTextAsync("paused by breaker", Deadline);
        await Expect(market.Locator(".band")).ToHaveTextAsync("95 – 105", Deadline);
        await Expect(market.Locator(".indicative")).ToHaveTextAsync(new Regex(@"^10[23] \(0\.2, 0\.1 buy left\)$"), Deadline);
        // The pause is 2 minutes: the countdown shows minutes and seconds left, below 2:01.
        await Expect(market.Locator(".reopens-in")).ToHaveTextAsync(new Regex(@"^[0-2]:[0-5]\d$"), Deadline);
        Assert.Empty(scriptErrors);
    }
}
