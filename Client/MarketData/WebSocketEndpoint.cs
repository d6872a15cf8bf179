using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Markets;
using Microsoft.Extensions.Options;

namespace Exchange.Client.MarketData;

/// <summary><c>/ws</c>: public market data (channels book and trades) over a WebSocket.</summary>
public static class WebSocketEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.Map("/ws", Accept).WithTags("WebSocket").ExcludeFromDescription();

    private static async Task Accept(HttpContext context, MarketDataHub hub, MarketDirectory markets, IOptions<GatewayOptions> options)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiError.BadRequest(ErrorCodes.WebSocketRequired, "/ws takes WebSocket connections only").WriteAsync(context);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await new WebSocketSession(socket, hub, markets, options.Value.WebSocketQueue).Run(context.RequestAborted);
    }
}
