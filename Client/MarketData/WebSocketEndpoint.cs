using Exchange.Client.Accounts;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Markets;
using Exchange.Client.Security;
using Exchange.Client.Telemetry;
using Microsoft.Extensions.Options;

namespace Exchange.Client.MarketData;

/// <summary><c>/ws</c>: public market data (channels book and trades) and, once authenticated, the account's orders and fills.</summary>
public static class WebSocketEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.Map("/ws", Accept).WithTags("WebSocket").ExcludeFromDescription();

    private static async Task Accept(HttpContext context, MarketDataHub hub, MarketDirectory markets, IOptions<GatewayOptions> options,
        SignedRequestVerifier verifier, AccountFeedHub accounts, GatewayMetrics metrics, Indices.IndexHub indices,
        WebSocketConnections connections, TimeProvider clock, Orders.OrderService orders, Orders.OrderEntryLimits limits)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiError.BadRequest(ErrorCodes.WebSocketRequired, "/ws takes WebSocket connections only").WriteAsync(context);
            return;
        }
        using var place = connections.TryOpen(context);
        if (place is null)
        {
            metrics.WebSocketRefused();
            await new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"at most {options.Value.WebSocketConnectionsPerAddress} WebSocket connections per address").WriteAsync(context);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        metrics.WebSocketOpened();
        try
        {
            var outbox = new SocketOutbox(socket, options.Value.WebSocketOutboxBytes, metrics);
            var budget = new MessageBudget(options.Value.RateLimits.WebSocketMessages, clock);
            await new WebSocketSession(socket, outbox, budget, hub, markets, verifier, accounts, indices,
                caller => new Orders.WebSocketOrderEntry(caller, orders, markets, limits, metrics, outbox.TrySend)).Run(context.RequestAborted);
        }
        finally
        {
            metrics.WebSocketClosed();
        }
    }
}
