using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Security;

/// <summary>
/// Runs after routing and before rate limiting: buffers the body of API endpoints (bounded; GET and DELETE take none),
/// then admits admin calls by bearer token and signed calls by signature (an account's key, or a price feed's where the endpoint takes one), recording the verified <see cref="ApiCaller"/>
/// so that the rate limiter partitions by key and the endpoint acts for that account only. An address that has used up
/// its failed authentications (<see cref="AuthenticationFailures"/>) is refused before anything is verified.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next, SignedRequestVerifier verifier, AdminToken admin,
    AuthenticationFailures failures, IOptions<GatewayOptions> options)
{
    private readonly int _maxBody = options.Value.MaxBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>() is not { } access)
        {
            await next(context);
            return;
        }
        if (await RequestBody.BufferAsync(context, _maxBody) is { } tooLarge)
        {
            await tooLarge.WriteAsync(context);
            return;
        }
        var method = context.Request.Method;
        if ((HttpMethods.IsGet(method) || HttpMethods.IsDelete(method) || HttpMethods.IsHead(method)) && !RequestBody.Of(context).Bytes.IsEmpty)
        {
            await ApiError.BadRequest(ErrorCodes.BodyNotAllowed, $"a {method} request takes no body; parameters go in the query").WriteAsync(context);
            return;
        }
        if (access.Access == Access.Public)
        {
            await next(context);
            return;
        }
        var address = context.Connection.RemoteIpAddress;
        if (!failures.MayTry(address, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"too many failed authentications from this address: retry after {seconds} s").With("retryAfter", seconds).WriteAsync(context);
            return;
        }
        if (access.Access == Access.Admin && !admin.Matches(context.Request))
        {
            failures.Charge(address);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiError.Unauthorized(ErrorCodes.Unauthorized, "the admin API needs 'Authorization: Bearer <admin token>'").WriteAsync(context);
            return;
        }
        if (access.Access is Access.Account or Access.Feed)
        {
            var (caller, error) = await verifier.Verify(context, RequestBody.Of(context).Bytes, feed: access.Access == Access.Feed);
            if (error is not null)
            {
                if (error.Status == StatusCodes.Status401Unauthorized) failures.Charge(address);
                await error.WriteAsync(context);
                return;
            }
            context.Features.Set(caller);
        }
        await next(context);
    }
}
