using Exchange.Client.Binance;
using Exchange.Client.Endpoints;
using Exchange.Client.Errors;
using Exchange.Client.MarketData;
using Exchange.Client.Security;
using Exchange.Client.Telemetry;
using Scalar.AspNetCore;

namespace Exchange.Client.Hosting;

/// <summary>The gateway's middleware, in order, and its endpoints.</summary>
public static class GatewayPipeline
{
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseGatewayErrors();
        app.UseStatusPage();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseRouting();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseBinanceSignature();
        app.UseRateLimiter();
        app.UseMiddleware<OrderAdmission>();
        app.UseReadRetries();

        PublicEndpoints.Map(app);
        OrderEndpoints.Map(app);
        ConditionalOrderEndpoints.Map(app);
        AccountEndpoints.Map(app);
        AdminEndpoints.Map(app);
        IndexEndpoints.Map(app);
        BinanceFutures.Map(app);
        WebSocketEndpoint.Map(app);
        HealthChecks.Map(app);
        GatewayTelemetry.Map(app);
        OrleansDashboardSetup.Map(app);
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
