using System.Collections.Concurrent;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Tests.Gateway;

/// <summary>
/// A co-hosted silo stops its cluster client before the gateway's hubs are disposed (the local run's Ctrl+C): that is
/// the expected end of their subscriptions, not a failure to log with a stack trace.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayShutdownTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Hubs_disposed_after_their_cluster_client_log_no_warning_with_an_exception()
    {
        var logs = new CapturingLogs();
        var gateway = await GatewayHarness.StartAsync(postgres, gatewayServices: s => s.AddSingleton<ILoggerProvider>(logs));
        var symbol = await gateway.NewMarket();
        var trader = await gateway.NewTrader();
        await using (var client = await WebSocketClient.Connect(gateway))
        {
            await client.Send(new { op = "subscribe", channel = "book", symbol });
            await client.Expect("subscribed");
            await client.Expect("snapshot");
            var timestamp = gateway.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            await client.Send(new { op = "auth", apiKey = trader.ApiKey, timestamp, signature = PrivateChannelTests.Sign(trader.Secret, timestamp) });
            await client.Expect("authenticated");
            await client.Send(new { op = "subscribe", channel = "orders" });
            await client.Expect("subscribed");

            await gateway.Cluster.DisposeAsync(); // the client goes first, as when the co-hosted silo stops
        }
        await gateway.App.StopAsync();
        await gateway.App.DisposeAsync();

        Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.Exception is not null
            && e.Category.StartsWith("Exchange.Client", StringComparison.Ordinal)).Select(e => $"{e.Category}: {e.Message} {e.Exception}"));
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
        }
    }
}
