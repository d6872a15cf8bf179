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

    private readonly bool _ownsCluster;

    private GatewayHarness(ExchangeCluster cluster, WebApplication app, FakeTimeProvider clock, string database, Uri? address,
        bool ownsCluster = true)
    {
        _ownsCluster = ownsCluster;
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
    /// <param name="gatewayServices">Gateway services registered before the gateway's own (so they win).</param>
    public static async Task<GatewayHarness> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null,
        short silos = 1, Action<IServiceCollection>? siloServices = null, string? database = null, bool kestrel = false,
        Action<IServiceCollection>? gatewayServices = null)
    {
        database ??= await postgres.CreateDatabaseAsync(applyMigrations: true);
        var cluster = await ExchangeCluster.StartAsync(database, silos, siloServices);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        try
        {
            var app = await StartGateway(cluster, database, clock, settings, kestrel, gatewayServices);
            return new GatewayHarness(cluster, app, clock, database, kestrel ? new Uri(app.Urls.Single()) : null);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Another gateway process beside this one: the same cluster, the same database and the same (fake) clock, its own
    /// caches and in-process state. Disposing it leaves the cluster running.
    /// </summary>
    public async Task<GatewayHarness> StartAnotherGateway(IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? gatewayServices = null)
    {
        var app = await StartGateway(Cluster, Database, Clock, settings, kestrel: false, gatewayServices);
        return new GatewayHarness(Cluster, app, Clock, Database, null, ownsCluster: false);
    }

    private static async Task<WebApplication> StartGateway(ExchangeCluster cluster, string database, FakeTimeProvider clock,
        IDictionary<string, string?>? settings, bool kestrel, Action<IServiceCollection>? gatewayServices)
    {
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
        foreach (var policy in new[] { "Orders", "Cancels", "Queries", "Public", "Feeds", "Authentication", "WebSocketMessages" })
        {
            configuration[$"Gateway:RateLimits:{policy}:Burst"] = "1000000";
            configuration[$"Gateway:RateLimits:{policy}:PerSecond"] = "1000000";
        }
        configuration["Gateway:WebSocketConnectionsPerAddress"] = "1000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(cluster.Client);
        builder.Services.AddSingleton<IGrainFactory>(cluster.Client);
        gatewayServices?.Invoke(builder.Services);
        builder.Services.AddGateway(builder.Configuration);
        var app = builder.Build();
        app.UseGateway();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>A client of this gateway signing with the given account's key.</summary>
    public Trader As(long accountId, string apiKey, string secret) => new(NewClient(), Clock, accountId, apiKey, secret);

    /// <summary>The same trader (key and secret), talking to this gateway.</summary>
    public Trader As(Trader trader) => As(trader.AccountId, trader.ApiKey, trader.Secret);

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
        if (_ownsCluster) await Cluster.DisposeAsync();
    }
}
