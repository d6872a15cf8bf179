using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Security;

/// <summary>
/// Runs after routing and before rate limiting: buffers the body of API endpoints (bounded), then admits admin
/// calls by bearer token and signed calls by signature, recording the verified <see cref="ApiCaller"/> so that the
/// rate limiter partitions by key and the endpoint acts for that account only.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next, SignedRequestVerifier verifier, AdminToken admin,
    IOptions<GatewayOptions> options)
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
        if (access.Access == Access.Admin && !admin.Matches(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiError.Unauthorized(ErrorCodes.Unauthorized, "the admin API needs 'Authorization: Bearer <admin token>'").WriteAsync(context);
            return;
        }
        if (access.Access == Access.Account)
        {
            var (caller, error) = await verifier.Verify(context, RequestBody.Of(context).Bytes);
            if (error is not null)
            {
                await error.WriteAsync(context);
                return;
            }
            context.Features.Set(caller);
        }
        await next(context);
    }
}
