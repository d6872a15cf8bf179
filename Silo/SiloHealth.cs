using System.Text.Json;
using Exchange.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Exchange.Silo;

/// <summary>The silo's health endpoint: <c>Exchange:Health:Port</c> (none: no endpoint), on every address.</summary>
public sealed class SiloHealthOptions
{
    public const string Section = "Exchange:Health";

    /// <summary>The HTTP port of <c>/health/live</c> and <c>/health/ready</c>; null: not served.</summary>
    public int? Port { get; set; }

    /// <summary>How long readiness answers from its last check (anyone who reaches the port may ask).</summary>
    public TimeSpan CacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the journal database has to answer before the silo counts as not ready.</summary>
    public TimeSpan DatabaseTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Liveness and readiness of a silo over HTTP, for a container's health check or an orchestrator's probes.
/// <c>/health/live</c>: the process answers (200). <c>/health/ready</c>: 200 when the silo is Active in the cluster's
/// membership and its journal answers (a read of the market list through the journal's own API), else 503; the body
/// says which part failed. Its own small Kestrel, apart from Orleans' ports, so a probe needs no Orleans client.
/// </summary>
public static class SiloHealth
{
    public static IHostApplicationBuilder AddSiloHealthEndpoint(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SiloHealthOptions>().BindConfiguration(SiloHealthOptions.Section)
            .Validate(o => o.Port is null or (> 0 and <= 65535), "Exchange:Health:Port must be a TCP port (1-65535)")
            .Validate(o => o.CacheTime >= TimeSpan.Zero, "Exchange:Health:CacheTime must not be negative")
            .Validate(o => o.DatabaseTimeout > TimeSpan.Zero, "Exchange:Health:DatabaseTimeout must be positive")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SiloReadiness>();
        builder.Services.AddHostedService<SiloHealthServer>();
        return builder;
    }

    /// <summary>The health endpoint's own web host, started and stopped with the silo's.</summary>
    private sealed class SiloHealthServer(IOptions<SiloHealthOptions> options, SiloReadiness readiness, ILoggerFactory logging) : IHostedService
    {
        private WebApplication? _app;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.Port is not { } port) return;
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://*:{port}");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(logging);
            _app = builder.Build();
            _app.MapGet("/health/live", () => Results.Json(new { status = "Healthy" }));
            _app.MapGet("/health/ready", async () =>
            {
                var report = await readiness.Check();
                return Results.Text(JsonSerializer.Serialize(report), "application/json", statusCode: report.Ready
                    ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            });
            await _app.StartAsync(cancellationToken);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_app is null) return;
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
    }
}

/// <summary>What readiness found: the parts as words a person reads in a probe's log.</summary>
public sealed record ReadinessReport(bool Ready, string Status, string Membership, string Journal);

/// <summary>The readiness check, its last answer kept for <see cref="SiloHealthOptions.CacheTime"/>; one check at a time.</summary>
public sealed class SiloReadiness(IServiceProvider services, IOptions<SiloHealthOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private Task<ReadinessReport>? _last;
    private DateTimeOffset _checkedAt;

    public Task<ReadinessReport> Check()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_last is null || (_last.IsCompleted && now - _checkedAt >= options.Value.CacheTime))
            {
                _last = CheckNow();
                _checkedAt = now;
            }
            return _last;
        }
    }

    private async Task<ReadinessReport> CheckNow()
    {
        var membership = Membership();
        var journal = await Journal();
        var ready = membership == "Active" && journal.StartsWith("answers", StringComparison.Ordinal);
        return new ReadinessReport(ready, ready ? "Healthy" : "Unhealthy", membership, journal);
    }

    private string Membership()
    {
        var local = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var snapshot = services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
        return snapshot.Members.TryGetValue(local, out var member) ? member.Status.ToString() : "not a member yet";
    }

    private async Task<string> Journal()
    {
        var journal = services.GetRequiredService<IMarketJournal>();
        try
        {
            using var deadline = new CancellationTokenSource(options.Value.DatabaseTimeout);
            var markets = await journal.ListMarkets(deadline.Token).WaitAsync(deadline.Token);
            return $"answers ({(journal is InMemoryMarketJournal ? "in memory" : "PostgreSQL")}, {markets.Length} markets)";
        }
        catch (Exception ex)
        {
            return $"does not answer: {ex.GetType().Name}";
        }
    }
}
