using Exchange.Client.Hosting;
using Exchange.Client.Security;
using Exchange.Local.Demo;
using Exchange.Local.Feeds;
using Exchange.Persistence;
using Exchange.Silo;

namespace Exchange.Local;

/// <summary>
/// <c>dotnet run --project Local [-- --demo] [--no-feeds]</c>: a silo and the gateway in one process (the gateway uses
/// the silo's own cluster client), over a durable private PostgreSQL when the server binaries are installed, with the
/// demo markets created following the indices BTC-USD and ETH-USD, which three simulated feeds each publish to
/// (unless <c>--no-feeds</c>), and, with <c>--demo</c>, simulated traders quoting on them. Ctrl+C stops all of it.
/// </summary>
internal static class LocalExchange
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromMinutes(5);

    public static async Task<int> Main(string[] args)
    {
        var demo = args.Contains("--demo");
        var feeds = !args.Contains("--no-feeds");
        // Settings come from next to the program, wherever it is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a is not ("--demo" or "--no-feeds")).ToArray(), ContentRootPath = AppContext.BaseDirectory,
        });
        var directory = LocalDirectory.From(builder.Configuration);
        using var startup = new CancellationTokenSource(StartupDeadline);

        await using var database = await JournalDatabase.OpenAsync(builder.Configuration, directory, startup.Token);
        if (database.ConnectionString is { } postgres)
        {
            await new MigrationRunner(postgres).ApplyAsync(startup.Token);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Exchange"] = postgres,
                ["Gateway:SecretKey"] = builder.Configuration["Gateway:SecretKey"] is { Length: > 0 } key
                    ? key : SecretKeyFile.LoadOrCreate(directory.PathOf("gateway-secret.key")),
            });
        }
        else
        {
            Console.Error.WriteLine($"WARNING: journal {database.Description}. Install the PostgreSQL server " +
                                    "(apt-get install postgresql) or set ConnectionStrings:Exchange to make it durable.");
        }

        builder.AddExchangeSilo(database.ConnectionString);
        builder.Services.AddGateway(builder.Configuration);
        builder.Services.AddSingleton(database);
        builder.Services.AddHealthChecks().AddCheck<JournalHealthCheck>("journal", tags: ["ready"]);
        // With feeds the markets follow the indices the simulated feeds publish; without, they keep their own mark.
        var markets = feeds ? DemoMarkets.FollowingIndices : DemoMarkets.All;
        if (feeds)
        {
            // The feeds' keys are kept beside the data they are registered in, so a durable run reuses its feeds.
            builder.Services.AddSingleton(new SimulatedFeedsOptions(markets, database.IsDurable ? directory.PathOf("feed-keys.json") : null));
            builder.Services.AddHostedService<SimulatedFeeds>();
        }

        await using var app = builder.Build();
        app.UseGateway();
        app.PrintOnStart();
        await app.StartAsync(startup.Token);

        await SiloSetup.CreateDemoMarketsAsync(app.Services.GetRequiredService<IClusterClient>(), Console.Out, markets);
        var url = GatewayAddress.Of(app.Services);
        Console.WriteLine($"Exchange running: gateway {url}, journal {database.Description}. Press Ctrl+C to stop.");

        Task traders = Task.CompletedTask;
        if (demo)
        {
            var token = app.Services.GetRequiredService<AdminToken>().Value;
            traders = new DemoTraders(new Uri(url), token, markets, TimeProvider.System, Console.Out).RunAsync(app.Lifetime.ApplicationStopping);
        }

        await app.WaitForShutdownAsync();
        await traders;
        Console.WriteLine(database.IsDurable ? "Stopped; stopping PostgreSQL (the data stays for the next run)." : "Stopped.");
        return 0;
    }
}
