using Exchange.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Exchange.Tests.Gateway;

/// <summary>
/// A gateway on a real local port and a real headless Chromium to look at it with. Fails (never skips) without a
/// browser.
/// </summary>
public abstract class BrowserTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>How long the page may take to show a change; Playwright's expectations poll until then.</summary>
    protected static readonly LocatorAssertionsToHaveTextOptions Deadline = new() { Timeout = 20_000 };

    private IPlaywright _playwright = null!;

    private protected GatewayHarness Gateway { get; private set; } = null!;

    protected IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var chromium = ChromiumBinary.Find() ?? throw new InvalidOperationException(ChromiumBinary.MissingMessage);
        Gateway = await GatewayHarness.StartAsync(postgres, kestrel: true);
        _playwright = await Playwright.CreateAsync();
        // No sandbox: CI runs as root, where Chromium refuses to start sandboxed.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Gateway is not null) await Gateway.DisposeAsync();
    }
}
