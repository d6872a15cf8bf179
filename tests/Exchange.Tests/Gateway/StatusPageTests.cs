using System.Text.RegularExpressions;
using Exchange.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The status page in a real headless Chromium against the gateway on a real port: it lists the markets and follows
/// an order and a trade placed through the API live over the WebSocket. Fails (never skips) without a browser.
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
}
