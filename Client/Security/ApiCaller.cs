namespace Exchange.Client.Security;

/// <summary>
/// Who a signed request was verified for: an account (endpoints act for this account only), or a price feed
/// (<see cref="FeedId"/> set, <see cref="AccountId"/> 0), which may only publish that feed's prices.
/// </summary>
public sealed record ApiCaller(long AccountId, string ApiKey, string? FeedId = null)
{
    public static ApiCaller Of(HttpContext context) =>
        context.Features.Get<ApiCaller>() ?? throw new InvalidOperationException("endpoint is not marked as signed");
}
