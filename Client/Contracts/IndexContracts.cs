using System.Text.Json.Serialization;

namespace Exchange.Client.Contracts;

// Indices, their price feeds and what feeds publish. Index prices are decimal strings with at most 8 decimals.

/// <summary>Creates the index or replaces its policy; fields left out keep their value (the defaults for a new index).</summary>
public sealed record ConfigureIndexRequest(string Index, int? MinFeeds, long? StaleAfterMs, int? MaxDeviationBps,
    VolatilityPolicyResponse? Volatility);

public sealed record VolatilityPolicyResponse(long IntervalMs, int LambdaPpm, int HorizonIntervals);

public sealed record IndexPolicyResponse(int MinFeeds, long StaleAfterMs, int MaxDeviationBps, VolatilityPolicyResponse Volatility);

/// <param name="SigmaPpm">One interval's realised volatility (standard deviation of its return), in ppm.</param>
/// <param name="HorizonSigmaPpm">Over the policy's horizon, in ppm; null while too few intervals are known.</param>
public sealed record VolatilityResponse(long SigmaPpm, long? HorizonSigmaPpm);

/// <param name="Price">The feed's latest accepted price; null before its first.</param>
/// <param name="Status">fresh, stale, outlier, disabled or missing.</param>
public sealed record IndexFeedResponse(string Name, string FeedId, string? Price, long AgeMs, string Status, bool Enabled,
    long Accepted, long Refused);

/// <param name="Price">The index; null while none was ever computed.</param>
/// <param name="Status">fresh (enough feeds agree), degraded (fewer than the policy wants, still trusted) or stale (not trusted).</param>
/// <param name="Simulated">Some of its feeds are simulated (named "sim-..."): not a real market's price.</param>
public sealed record IndexResponse(string Index, string? Price, string Status, long AsOf, VolatilityResponse Volatility,
    IndexPolicyResponse Policy, IndexFeedResponse[] Feeds, string[] Markets, bool Simulated);

/// <param name="RevokeOthers">For a feed that exists: revoke its keys and issue a new one (rotation; the only way to a new
/// key while a key works, since a secret is never shown twice).</param>
public sealed record AddFeedRequest(string Name, bool? RevokeOthers = null);

/// <param name="ApiSecret">Shown once: the gateway keeps it only encrypted.</param>
public sealed record FeedKeyResponse(string FeedId, string ApiKey, string ApiSecret);

public sealed record FeedStateResponse(string Index, string Name, string FeedId, bool Enabled);

/// <summary>One price: the index's name, a decimal string, and the feed's own time of it (Unix ms).</summary>
public sealed record FeedPriceRequest(string Index, string Price, long Timestamp);

/// <summary>Either one price (index, price, timestamp) or up to 100 in <c>prices</c>, taken in order.</summary>
public sealed record PublishPricesRequest(string? Index, string? Price, long? Timestamp, FeedPriceRequest[]? Prices);

/// <param name="Status">accepted or refused (then with a stable code and a message).</param>
public sealed record PriceResult(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null)
{
    public static PriceResult Accepted { get; } = new("accepted");

    public static PriceResult Refused(string code, string message) => new("refused", code, message);
}

public sealed record PublishResponse(PriceResult[] Results);

/// <summary>The margin multipliers in force, in basis points of the base schedule (10000: unscaled).</summary>
public sealed record MarginMultiplierResponse(int InitialBps, int MaintenanceBps);
