using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Exchange.Silo;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Exchange.Tests.Silo;

/// <summary>
/// The silo's health endpoint, on a silo host built as the silo program builds it: live at once, ready when the silo is
/// Active in the cluster and its journal database answers, not ready (503, saying why) when the database does not.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloHealthTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_silo_over_a_database_that_answers_is_live_and_then_ready()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        var (host, http) = await StartSilo(database);
        using var _ = http;
        try
        {
            var live = await http.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            var ready = await Until(http, HttpStatusCode.OK);
            Assert.Equal("Active", ready["Membership"]!.GetValue<string>());
            Assert.StartsWith("answers (PostgreSQL", ready["Journal"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task A_silo_whose_journal_database_does_not_answer_is_live_but_not_ready()
    {
        // Nothing listens on the port: the journal cannot be reached, though the silo itself runs.
        var unreachable = $"Host=127.0.0.1;Port={FreePort()};Username=nobody;Database=nothing;Timeout=2";
        var (host, http) = await StartSilo(unreachable);
        using var _ = http;
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
            var notReady = await Until(http, HttpStatusCode.ServiceUnavailable, report => report["Membership"]!.GetValue<string>() == "Active");
            Assert.False(notReady["Ready"]!.GetValue<bool>());
            Assert.StartsWith("does not answer", notReady["Journal"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    [Fact]
    public async Task A_bad_health_port_stops_the_silo_at_start_with_a_message()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Exchange:Health:Port"] = "70000" });
        builder.AddSiloHealthEndpoint();
        using var host = builder.Build();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("Exchange:Health:Port", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<(IHost Host, HttpClient Http)> StartSilo(string database)
    {
        var port = FreePort();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "health-" + Guid.NewGuid().ToString("N"),
            ["Exchange:Health:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Exchange:Health:CacheTime"] = "00:00:00",
        });
        builder.AddExchangeSilo(database);
        builder.AddSiloHealthEndpoint();
        var host = builder.Build();
        await host.StartAsync();
        return (host, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }

    /// <summary>Polls readiness until it answers <paramref name="status"/> (and the report satisfies the condition), or fails at the deadline.</summary>
    private static async Task<JsonNode> Until(HttpClient http, HttpStatusCode status, Func<JsonNode, bool>? also = null)
    {
        var until = DateTime.UtcNow + Deadline;
        string last = "";
        while (DateTime.UtcNow < until)
        {
            using var response = await http.GetAsync("/health/ready");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode == status && (also is null || also(report))) return report;
            await Task.Yield();
        }
        throw new TimeoutException($"readiness did not become {(int)status} within {Deadline}; last: {last}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
