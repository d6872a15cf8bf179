using Exchange.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The status page in a real headless Chromium: a market that follows an index shows the index, the oracle's and
/// each feed's status (live over the index channel), the mark and the margin multipliers, and a banner says the
/// feeds are simulated. Fails (never skips) without a browser.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IndexStatusPageTests(PostgresFixture postgres) : BrowserTests(postgres)
{
    [Fact]
    public async Task The_page_shows_each_markets_index_feeds_and_multipliers_and_warns_of_simulated_feeds()
    {
        var index = await Gateway.NewIndex(minFeeds: 2);
        var first = await Gateway.NewFeed(index, "sim-1");
        var second = await Gateway.NewFeed(index, "sim-2");
        Assert.Equal(200, (await first.Publish("64000.5")).Status);
        Assert.Equal(200, (await second.Publish("64001")).Status);
        var symbol = await Gateway.NewIndexedMarket(index);
        var plain = await Gateway.NewMarket();

        var page = await Browser.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        Assert.Equal(200, (await page.GotoAsync(Gateway.Address!.ToString()))!.Status);
        await Expect(page.Locator("#connection")).ToHaveTextAsync("live", Deadline);

        var market = page.Locator($"[data-market=\"{symbol}\"]");
        await Expect(market.Locator(".index-name")).ToHaveTextAsync(index, Deadline);
        await Expect(market.Locator(".margin-multiplier")).ToHaveTextAsync("×1 / ×1", Deadline);
        await Expect(market.Locator("[data-feed=\"sim-1\"] .feed-status")).ToHaveTextAsync("fresh", Deadline);
        await Expect(market.Locator("[data-feed=\"sim-2\"] .feed-status")).ToHaveTextAsync("fresh", Deadline);
        await Expect(market.Locator(".oracle-status")).ToHaveTextAsync("fresh", Deadline);
        await Expect(page.Locator("#simulated-banner")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator("#simulated-banner .simulated-indices")).ToHaveTextAsync(index, Deadline);
        await Expect(page.Locator($"[data-market=\"{plain}\"] .index-price")).ToHaveTextAsync("none", Deadline);

        // Live: the operator disables a feed and the page follows over the index channel (one feed left: stale).
        Assert.Equal(200, (await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/sim-2/disable")).Status);
        await Expect(market.Locator("[data-feed=\"sim-2\"] .feed-status")).ToHaveTextAsync("disabled", Deadline);
        await Expect(market.Locator(".oracle-status")).ToHaveTextAsync("stale", Deadline);
        Assert.Empty(scriptErrors);
    }
}
