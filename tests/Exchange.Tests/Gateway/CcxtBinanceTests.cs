using System.Diagnostics;
using System.Text;
using Exchange.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The real CCXT client (npm package <c>ccxt</c>, pinned in tests/ccxt/package-lock.json), unmodified, against the
/// gateway's Binance USDⓈ-M-compatible API on a real loopback port over a real cluster and PostgreSQL. The Node script
/// tests/ccxt/binanceusdm.mjs makes every call and asserts every answer; this test fails with its output. Needs node and
/// npm (installs the pinned packages with <c>npm ci</c> when tests/ccxt/node_modules is missing); without them it fails
/// and says what to install.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CcxtBinanceTests(PostgresFixture postgres, ITestOutputHelper log) : IAsyncLifetime
{
    private const string Deposit = "100000";
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromMinutes(3), InstallDeadline = TimeSpan.FromMinutes(5);

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync()
    {
        // The script's burst client must run into the per-key query limit; the other clients stay far below it.
        _gateway = await GatewayHarness.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Gateway:RateLimits:Queries:Burst"] = "40",
            ["Gateway:RateLimits:Queries:PerSecond"] = "40",
        }, kestrel: true);
        var market = await Api.Send(_gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol = "BTC-PERP", tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000", marketProtection = "50",
        }));
        Assert.Equal(201, market.Status);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task The_unmodified_ccxt_binanceusdm_client_trades_through_the_gateway()
    {
        var node = Executable("node") ?? throw new InvalidOperationException(MissingNode);
        var npm = Executable("npm") ?? throw new InvalidOperationException(MissingNode);
        var directory = ScriptDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "ccxt")))
        {
            var install = await Run(npm, ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], directory, [], InstallDeadline);
            Assert.True(install.ExitCode == 0, $"npm ci failed ({install.ExitCode}):\n{install.Output}");
        }

        var trader = await _gateway.NewTrader(Deposit);
        var maker = await _gateway.NewTrader(Deposit);
        var broke = await _gateway.NewTrader(deposit: null);
        var burst = await _gateway.NewTrader(deposit: null);
        var environment = new Dictionary<string, string>
        {
            ["EXCHANGE_URL"] = _gateway.Address!.ToString().TrimEnd('/'),
            ["TRADER_KEY"] = trader.ApiKey, ["TRADER_SECRET"] = trader.Secret,
            ["MAKER_KEY"] = maker.ApiKey, ["MAKER_SECRET"] = maker.Secret,
            ["BROKE_KEY"] = broke.ApiKey, ["BROKE_SECRET"] = broke.Secret,
            ["BURST_KEY"] = burst.ApiKey, ["BURST_SECRET"] = burst.Secret,
            ["DEPOSIT"] = Deposit,
        };

        // The harness's gateway clock is fake; a real client signs with the real clock, so the fake one follows it here.
        using var stop = new CancellationTokenSource();
        var following = FollowRealTime(stop.Token);
        var result = await Run(node, ["binanceusdm.mjs"], directory, environment, ScriptDeadline);
        await stop.CancelAsync();
        await following;
        log.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, $"the CCXT script failed (exit {result.ExitCode}):\n{result.Output}");
        Assert.Contains("checks passed", result.Output, StringComparison.Ordinal);
        // Everything the client did left the books consistent with the money.
        var audit = await _gateway.Audit();
        Assert.True(audit.Json!["balanced"]!.GetValue<bool>(), audit.Body);
    }

    private async Task FollowRealTime(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            do
            {
                var now = DateTimeOffset.UtcNow;
                if (now > _gateway.Clock.GetUtcNow()) _gateway.Clock.SetUtcNow(now);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private const string MissingNode =
        "The CCXT test needs Node.js and npm on PATH (it runs the real ccxt npm package): install them " +
        "(Debian/Ubuntu: `sudo apt-get install nodejs npm`; Fedora: `sudo dnf install nodejs npm`; macOS: `brew install node`).";

    private static string? Executable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    /// <summary>tests/ccxt of this repository, found upwards from the test assembly.</summary>
    private static string ScriptDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "ccxt");
            if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
        }
        throw new InvalidOperationException($"tests/ccxt/package-lock.json not found above {AppContext.BaseDirectory}");
    }

    private sealed record Outcome(int ExitCode, string Output);

    private static async Task<Outcome> Run(string file, string[] arguments, string directory, Dictionary<string, string> environment,
        TimeSpan deadline)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) return new Outcome(-1, $"{output}\n(killed after {deadline})");
        }
        process.WaitForExit(); // drains the redirected output
        lock (output) return new Outcome(process.ExitCode, output.ToString());
    }
}
