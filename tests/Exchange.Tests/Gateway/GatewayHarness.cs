using System.Net.Http.Headers;
using Exchange.Client.Hosting;
using Exchange.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The gateway in-process on a test server (or, for a real browser, on Kestrel at a free local port), its Orleans client
/// being an in-process cluster's client over a fresh PostgreSQL database (API keys live in the same database). The gateway's clock is fake: the signing clients move
/// it on a millisecond per request, and tests move it to leave the signature window.
/// </summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token";

    private GatewayHarness(ExchangeCluster cluster, WebApplication app, FakeTimeProvider clock, string database, Uri? address)
    {
        Cluster = cluster;
        App = app;
        Clock = clock;
        Database = database;
        Address = address;
        Anonymous = NewClient();
        Admin = NewClient();
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public ExchangeCluster Cluster { get; }

    public WebApplication App { get; }

    public FakeTimeProvider Clock { get; }

    public string Database { get; }

    public HttpClient Anonymous { get; }

    public HttpClient Admin { get; }

    public TestServer Server => App.GetTestServer();

    /// <summary>Where the gateway listens when it runs on Kestrel; null on the test server.</summary>
    public Uri? Address { get; }

    private HttpClient NewClient() => Address is null ? App.GetTestClient() : new HttpClient { BaseAddress = Address };

    /// <param name="settings">Gateway configuration on top of the defaults (generous rate limits).</param>
    /// <param name="kestrel">Listen on a real local port (for a browser) instead of the in-memory test server.</param>
    public static async Task<GatewayHarness> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null,
        short silos = 1, Action<IServiceCollection>? siloServices = null, string? database = null, bool kestrel = false)
    {
        database ??= await postgres.CreateDatabaseAsync(applyMigrations: true);
        var cluster = await ExchangeCluster.StartAsync(database, silos, siloServices);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        if (kestrel) builder.WebHost.UseUrls("http://127.0.0.1:0");
        else builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Exchange"] = database,
            ["Gateway:AdminToken"] = AdminToken,
            ["Gateway:SecretKey"] = Convert.ToBase64String(new byte[32]),
        };
        foreach (var policy in new[] { "Orders", "Cancels", "Queries", "Public" })
        {
            configuration[$"Gateway:RateLimits:{policy}:Burst"] = "1000000";
            configuration[$"Gateway:RateLimits:{policy}:PerSecond"] = "1000000";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(cluster.Client);
        builder.Services.AddSingleton<IGrainFactory>(cluster.Client);
        builder.Services.AddGateway(builder.Configuration);
        var app = builder.Build();
        app.UseGateway();
        await app.StartAsync();
        return new GatewayHarness(cluster, app, clock, database, kestrel ? new Uri(app.Urls.Single()) : null);
    }

    /// <summary>A new account with an API key, and a deposit if asked.</summary>
    public async Task<Trader> NewTrader(string? deposit = "1000000")
    {
        var created = await Api.Send(Admin, HttpMethod.Post, "/admin/v1/accounts", "{}");
        Assert.Equal(201, created.Status);
        var trader = new Trader(NewClient(), Clock, created.Long("accountId"), created.String("apiKey"), created.String("apiSecret"));
        if (deposit is not null)
        {
            var deposited = await Api.Send(Admin, HttpMethod.Post, $"/admin/v1/accounts/{trader.AccountId}/deposits",
                Api.Json(new { amount = deposit, transferId = $"seed-{trader.AccountId}" }));
            Assert.Equal(200, deposited.Status);
        }
        return trader;
    }

    /// <summary>Creates a market through the admin API: tick 0.5, lot 0.001, prices up to 1,000,000.</summary>
    public async Task<string> NewMarket(string prefix = "GW", string tickSize = "0.5", string lotSize = "0.001")
    {
        var symbol = $"{prefix}-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var created = await Api.Send(Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol, tickSize, lotSize, maxPrice = "1000000", maxSize = "1000", marketProtection = "50",
        }));
        Assert.Equal(201, created.Status);
        return symbol;
    }

    public async Task<Api.Response> Audit()
    {
        var audit = await Api.Send(Admin, HttpMethod.Get, "/admin/v1/audit");
        Assert.Equal(200, audit.Status);
        return audit;
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
