using Exchange.Client.Accounts;
using Exchange.Client.Binance;
using Exchange.Client.Keys;
using Exchange.Client.MarketData;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;
using Exchange.Client.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Exchange.Client.Hosting;

/// <summary>
/// Everything the gateway needs except the Orleans client itself (Program.cs connects one from configuration; tests
/// register their test cluster's client).
/// </summary>
public static class GatewayServices
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());

        var postgres = configuration.GetConnectionString("Exchange");
        if (string.IsNullOrWhiteSpace(postgres))
        {
            services.TryAddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
            services.TryAddSingleton<IReplayGuard, ReplayGuard>();
            services.AddHostedService<InMemoryKeysGuard>();
        }
        else
        {
            services.TryAddKeyedSingleton(nameof(PostgresApiKeyStore), (_, _) => NpgsqlDataSource.Create(postgres));
            services.TryAddSingleton<IApiKeyStore>(sp =>
                new PostgresApiKeyStore(sp.GetRequiredKeyedService<NpgsqlDataSource>(nameof(PostgresApiKeyStore))));
            services.TryAddSingleton<IReplayGuard>(sp => new SharedReplayGuard(
                sp.GetRequiredKeyedService<NpgsqlDataSource>(nameof(PostgresApiKeyStore)), sp.GetRequiredService<IOptions<GatewayOptions>>()));
        }

        services.TryAddSingleton(sp => new AdminToken(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.AdminToken));
        services.TryAddSingleton(sp => SecretProtectorFor(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SecretKey));
        services.TryAddSingleton<ApiKeys>();
        services.TryAddSingleton<AuthenticationFailures>();
        services.TryAddSingleton<SignedRequestVerifier>();
        services.TryAddSingleton<MarketDirectory>();
        services.TryAddSingleton<OrderService>();
        services.TryAddSingleton<OrderAdmission>();
        services.TryAddSingleton<BatchOrders>();
        services.TryAddSingleton<ConditionalOrders>();
        services.TryAddSingleton<OrderEntryLimits>();
        services.TryAddSingleton<MarketDataHub>();
        services.TryAddSingleton<WebSocketConnections>();
        services.TryAddSingleton<AccountFeedHub>();
        services.TryAddSingleton<Indices.IndexHub>();

        services.AddGatewayRateLimits();
        services.AddBinanceFutures();
        services.AddGatewayTelemetry(configuration);
        services.AddGatewayDashboard(configuration);
        services.AddGatewayHealthChecks();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Exchange gateway";
            document.Info.Description = "Signed REST API: X-API-KEY, X-TIMESTAMP (Unix ms), X-SIGNATURE = lower-case hex " +
                "HMAC-SHA256(secret, timestamp + METHOD + path-with-query, then a newline and the body when there is one); GET and DELETE take no body. Prices, sizes and money are decimal strings.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The protector under the configured key, or under a fresh key (<see cref="SecretProtector.KeyGenerated"/>).</summary>
    public static SecretProtector SecretProtectorFor(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? SecretProtector.WithNewKey() : new SecretProtector(SecretKeyBytes(configured)!);

    internal static byte[]? SecretKeyBytes(string text)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == 32 ? bytes : null;
    }
}
