namespace Exchange.Client.Security;

/// <summary>The account a signed request was verified for; endpoints act for this account only.</summary>
public sealed record ApiCaller(long AccountId, string ApiKey)
{
    public static ApiCaller Of(HttpContext context) =>
        context.Features.Get<ApiCaller>() ?? throw new InvalidOperationException("endpoint is not marked as signed");
}
