using Exchange.Markets;
using Microsoft.AspNetCore.Diagnostics;

namespace Exchange.Client.Errors;

/// <summary>
/// Makes every error response a problem with a code: rejected input (<see cref="ApiException"/>), framework answers
/// with no body (404, 405, ...), an unreachable cluster (503), and bugs (500, logged).
/// </summary>
public static class ErrorResponses
{
    public static void UseGatewayErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                await For(error).WriteAsync(context);
            },
        });
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (response.StatusCode < 400) return;
            await ForStatus(response.StatusCode).WriteAsync(context.HttpContext);
        });
        // Expected refusals of input, and requests that could not be read, are answered here, quietly, rather than logged
        // as failures by the exception handler.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (ApiException ex) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await ex.Error.WriteAsync(context);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                // A body cut short (the client gave up mid-request) or malformed: the client's doing, not a failure here.
                context.Response.Clear();
                await For(ex).WriteAsync(context);
            }
        });
    }

    public static ApiError For(Exception? error) => error switch
    {
        ApiException api => api.Error,
        BadHttpRequestException bad => new ApiError(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ErrorCodes.PayloadTooLarge : ErrorCodes.BadRequest, "the request could not be read"),
        // A deadline inside the cluster that ran out (a store read, a journal read) is the exchange not answering in time.
        UnavailableException or TimeoutException or OperationCanceledException or OrleansException or Npgsql.NpgsqlException =>
            ApiError.Unavailable(ErrorCodes.ServiceUnavailable, "the exchange cannot answer now; try again"),
        _ => new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "internal error"),
    };

    public static ApiError ForStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => ApiError.NotFound(ErrorCodes.NotFound, "no such endpoint"),
        StatusCodes.Status405MethodNotAllowed => new ApiError(status, ErrorCodes.MethodNotAllowed, "the endpoint does not take this method"),
        StatusCodes.Status413PayloadTooLarge => new ApiError(status, ErrorCodes.PayloadTooLarge, "the body is too large"),
        StatusCodes.Status415UnsupportedMediaType => new ApiError(status, ErrorCodes.UnsupportedMediaType, "send the body as application/json"),
        StatusCodes.Status429TooManyRequests => new ApiError(status, ErrorCodes.RateLimited, "too many requests"),
        StatusCodes.Status401Unauthorized => ApiError.Unauthorized(ErrorCodes.Unauthorized, "not authorised"),
        >= 500 => new ApiError(status, ErrorCodes.ServiceUnavailable, "the exchange cannot answer now"),
        _ => new ApiError(status, ErrorCodes.BadRequest, "the request is not valid"),
    };
}
