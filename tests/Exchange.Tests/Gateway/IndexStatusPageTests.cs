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
public sealed class IndexStatusPageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveTextOptions Deadline = new() { Timeout = 20_000 };

    private GatewayHarness _gateway = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var chromium = ChromiumBinary.Find() ?? throw new InvalidOperationException(ChromiumBinary.MissingMessage);
        _gateway = await GatewayHarness.StartAsync(postgres, kestrel: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_gateway is not null) await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task The_page_shows_each_markets_index_feeds_and_multipliers_and_warns_of_simulated_feeds()
    {
        var index = await _gateway.NewIndex(minFeeds: 2);
        var first = await _gateway.NewFeed(index, "sim-1");
        var second = await _gateway.NewFeed(index, "sim-2");
        Assert.Equal(200, (await first.Publish("64000.5")).Status);
        Assert.Equal(200, (await second.Publish("64001")).Status);
        var symbol = await _gateway.NewIndexedMarket(index);
        var plain = await _gateway.NewMarket();

        var page = await _browser.NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        Assert.Equal(200, (await page.GotoAsync(_gateway.Address!.ToString()))!.Status);
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
        Assert.Equal(200, (await Api.Send(_gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds/sim-2/disable")).Status);
        await Expect(market.Locator("[data-feed=\"sim-2\"] .feed-status")).ToHaveTextAsync("disabled", Deadline);
        await Expect(market.Locator(".oracle-status")).ToHaveTextAsync("stale", Deadline);
        Assert.Empty(scriptErrors);
    }
}
