using Microsoft.AspNetCore.Mvc;

namespace Exchange.Client.Errors;

/// <summary>
/// One refusal as the API reports it: an RFC 7807 problem with a stable <see cref="Code"/>. Every 4xx and 5xx the
/// gateway writes goes through here, so every one carries a code.
/// </summary>
public sealed record ApiError(int Status, string Code, string Detail, IReadOnlyDictionary<string, object?>? Extra = null)
{
    public const string ContentType = "application/problem+json";

    public ApiError With(string key, object? value) =>
        this with { Extra = new Dictionary<string, object?>(Extra ?? new Dictionary<string, object?>()) { [key] = value } };

    public ProblemDetails ToProblemDetails()
    {
        var problem = new ProblemDetails
        {
            Type = "urn:exchange:error:" + Code,
            Title = Code,
            Status = Status,
            Detail = Detail,
        };
        problem.Extensions["code"] = Code;
        if (Extra is not null)
            foreach (var (key, value) in Extra) problem.Extensions[key] = value;
        return problem;
    }

    /// <summary>Seconds after which a retry may succeed (the <c>retryAfter</c> extra), sent as the Retry-After header too.</summary>
    public int? RetryAfter => Extra?.GetValueOrDefault("retryAfter") as int?;

    public IResult ToResult() => RetryAfter is { } seconds ? new WithRetryAfter(Results.Problem(ToProblemDetails()), seconds) : Results.Problem(ToProblemDetails());

    /// <summary>For middleware that answers before an endpoint runs.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        if (RetryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(ToProblemDetails(), (System.Text.Json.JsonSerializerOptions?)null, ContentType);
    }

    public static ApiError BadRequest(string code, string detail) => new(StatusCodes.Status400BadRequest, code, detail);

    public static ApiError Field(string code, string field, string detail) => BadRequest(code, detail).With("field", field);

    public static ApiError Unauthorized(string code, string detail) => new(StatusCodes.Status401Unauthorized, code, detail);

    public static ApiError Forbidden(string code, string detail) => new(StatusCodes.Status403Forbidden, code, detail);

    public static ApiError NotFound(string code, string detail) => new(StatusCodes.Status404NotFound, code, detail);

    public static ApiError Conflict(string code, string detail) => new(StatusCodes.Status409Conflict, code, detail);

    public static ApiError Refused(string code, string detail) => new(StatusCodes.Status422UnprocessableEntity, code, detail);

    public static ApiError Unavailable(string code, string detail) => new(StatusCodes.Status503ServiceUnavailable, code, detail);

    public static ApiError UnknownMarket(string symbol) => NotFound(ErrorCodes.UnknownMarket, $"no market {Shorten(symbol)}");

    public static ApiError OrderNotFound() => NotFound(ErrorCodes.OrderNotFound, "no such order for this account");

    /// <summary>Echoing hostile input back in full would make every error as large as the request.</summary>
    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

/// <summary>A result with a Retry-After header in front of it.</summary>
public sealed class WithRetryAfter(IResult inner, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
