using System.Net;
using Exchange.Client.Hosting;
using Exchange.Stress.Report;
using Exchange.Tests.Infrastructure;
using Exchange.Tests.Stress;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The latest stress report on the gateway (<c>Gateway:StressReportDirectory</c>): the status page links it once the
/// directory holds a report and the link leads to the page with its plots; without the setting there is no link and
/// <c>/stress/</c> is not found; the files are served read-only with a policy that runs nothing, and no path reaches a
/// file outside the directory. A real gateway on a real port, and a real headless Chromium (fails without one).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StressReportPageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Secret = "a file beside the report directory, never served";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("stress-page-");
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private string ReportDirectory => Path.Combine(_root.FullName, "report");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(ReportDirectory);
        File.WriteAllText(Path.Combine(_root.FullName, "secret.txt"), Secret);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task The_status_page_links_the_report_once_the_directory_holds_one()
    {
        await using var gateway = await Start(configured: true);
        var page = await NewPage();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        var link = page.Locator("#stress-report");

        // Configured, but no run has written a report yet: no link.
        Assert.Equal(200, (await page.GotoAsync(gateway.Address!.ToString()))!.Status);
        await Expect(link).ToHaveAttributeAsync("data-checked", "true", new() { Timeout = 20_000 });
        await Expect(link).ToBeHiddenAsync();

        HtmlReport.Write(SampleStressResult.Crash(), ReportDirectory);
        await page.ReloadAsync();
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await link.ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Stress report: flash-crash-test", new() { Timeout = 20_000 });
        await Expect(page.Locator("figure svg.plot")).ToHaveCountAsync(9);
        await Expect(page.Locator("figure svg.plot").First).ToBeVisibleAsync();
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_link_and_no_report()
    {
        HtmlReport.Write(SampleStressResult.Crash(), ReportDirectory);
        await using var gateway = await Start(configured: false);
        var page = await NewPage();
        var link = page.Locator("#stress-report");

        Assert.Equal(200, (await page.GotoAsync(gateway.Address!.ToString()))!.Status);
        await Expect(link).ToHaveAttributeAsync("data-checked", "true", new() { Timeout = 20_000 });
        await Expect(link).ToBeHiddenAsync();
        Assert.Equal(404, (await Api.Send(gateway.Anonymous, HttpMethod.Get, "/stress/")).Status);
        Assert.Equal(404, (await Api.Send(gateway.Anonymous, HttpMethod.Get, "/stress/index.html")).Status);
    }

    [Fact]
    public async Task The_report_is_served_read_only_and_nothing_outside_its_directory()
    {
        HtmlReport.Write(SampleStressResult.Crash(), ReportDirectory);
        File.WriteAllText(Path.Combine(ReportDirectory, ".hidden"), Secret);
        await using var gateway = await Start(configured: true);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Address };

        using var page = await http.GetAsync("/stress/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Stress report: flash-crash-test", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-cache", page.Headers.CacheControl!.ToString());
        Assert.StartsWith("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var plot = await http.GetAsync("/stress/plots/cancels.svg");
        Assert.Equal(HttpStatusCode.OK, plot.StatusCode);
        Assert.Equal("image/svg+xml", plot.Content.Headers.ContentType!.MediaType);
        using var json = await http.GetAsync("/stress/result.json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        using var bare = await http.GetAsync("/stress");
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal("/stress/", new Uri(gateway.Address!, bare.Headers.Location!).AbsolutePath);

        using var written = await http.PutAsync("/stress/index.html", new StringContent("<h1>replaced</h1>"));
        Assert.False(written.IsSuccessStatusCode, $"PUT answered {written.StatusCode}");
        using var deleted = await http.DeleteAsync("/stress/index.html");
        Assert.False(deleted.IsSuccessStatusCode, $"DELETE answered {deleted.StatusCode}");
        Assert.Contains("flash-crash-test", File.ReadAllText(Path.Combine(ReportDirectory, "index.html")), StringComparison.Ordinal);

        foreach (var path in new[]
                 {
                     "/stress/../secret.txt", "/stress/%2e%2e/secret.txt", "/stress/..%2fsecret.txt", "/stress/..%5csecret.txt",
                     "/stress/%2e%2e%2fsecret.txt", "/stress/plots/../../secret.txt", "/stress/.hidden", "/stress/%2ehidden",
                 })
        {
            // Sent as written: HttpClient would otherwise resolve the dot segments before the gateway sees them.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address + path.TrimStart('/'),
                new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
            using var answer = await http.SendAsync(request);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
            Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path} answered {answer.StatusCode}");
        }
    }

    [Fact]
    public void A_directory_that_does_not_exist_stops_the_start_naming_the_setting()
    {
        var missing = Path.Combine(_root.FullName, "no-such-report");

        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { StressReportDirectory = missing });

        Assert.True(result.Failed);
        Assert.Contains("Gateway:StressReportDirectory must be an existing directory", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(missing, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new GatewayOptionsValidator().Validate(null, new GatewayOptions { StressReportDirectory = ReportDirectory }).Succeeded);
    }

    private async Task<GatewayHarness> Start(bool configured) => await GatewayHarness.StartAsync(postgres,
        configured ? new Dictionary<string, string?> { ["Gateway:StressReportDirectory"] = ReportDirectory } : null, kestrel: true);

    private async Task<IPage> NewPage()
    {
        var chromium = ChromiumBinary.Find() ?? throw new InvalidOperationException(ChromiumBinary.MissingMessage);
        _playwright ??= await Playwright.CreateAsync();
        // No sandbox: CI runs as root, where Chromium refuses to start sandboxed.
        _browser ??= await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        return await _browser.NewPageAsync();
    }
}
