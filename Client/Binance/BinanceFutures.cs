using Exchange.Client.Errors;
using Microsoft.AspNetCore.RateLimiting;

namespace Exchange.Client.Binance;

/// <summary>
/// A Binance USDⓈ-M-compatible surface under <c>/fapi</c>, beside the native <c>/api/v1</c>: the same grains, order
/// service, keys and rules, spoken in Binance's parameters, shapes, signing and error codes, so that Binance clients
/// (CCXT's <c>binanceusdm</c> among them) can trade here by changing only their base URL.
/// </summary>
public static class BinanceFutures
{
    public static IServiceCollection AddBinanceFutures(this IServiceCollection services) =>
        services.Configure<RateLimiterOptions>(BinanceRateLimitPolicy.AddTo);

    /// <summary>The signature check: after routing, before rate limiting (which partitions by the verified key).</summary>
    public static WebApplication UseBinanceSignature(this WebApplication app)
    {
        app.UseMiddleware<BinanceSignature>();
        return app;
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var fapi = app.MapGroup("/fapi").WithTags("Binance USDⓈ-M compatible").ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) =>
            {
                try
                {
                    return await next(context);
                }
                catch (BinanceException ex)
                {
                    return ex.Error.ToResult();
                }
                catch (ApiException ex)
                {
                    return BinanceErrors.From(ex.Error).ToResult();
                }
                catch (Exception ex) when (ErrorResponses.For(ex) is { Status: StatusCodes.Status503ServiceUnavailable } unavailable)
                {
                    return BinanceErrors.From(unavailable).ToResult();
                }
            });
        BinanceMarketData.Map(fapi);
        BinanceOrders.Map(fapi);
        BinanceAccount.Map(fapi);
        BinanceStreams.Map(fapi);
    }
}
