using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Indices;
using Exchange.Client.Input;
using Exchange.Client.Keys;
using Exchange.Client.Markets;
using Exchange.Client.Security;
using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;

namespace Exchange.Client.Endpoints;

/// <summary>
/// Indices: the operator configures them and registers their feeds (each gets its own API key), anyone reads them,
/// and a feed's key publishes that feed's prices. The rules (which prices count, when an index is stale) are the
/// oracle grain's; this is only the edge: strict parsing, key scope, and stable codes for every refusal.
/// </summary>
public static class IndexEndpoints
{
    public const int MaxPricesPerRequest = 100;
    private const int MaxFeedNameLength = 32;

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1/indices").WithTags("Admin").RequireAdmin();
        admin.MapPost("", Configure).Accepts<ConfigureIndexRequest>("application/json").Produces<IndexResponse>()
            .WithSummary("Create an index or change its policy (minimum feeds, staleness, deviation, volatility)");
        admin.MapPost("/{index}/feeds", AddFeed).Accepts<AddFeedRequest>("application/json").Produces<FeedKeyResponse>()
            .WithSummary("Register a feed: its API key and secret, shown only here (409 if the feed exists and has a key)");
        admin.MapPost("/{index}/feeds/{name}/disable", (string index, string name, HttpContext c, IClusterClient cl, IndexHub h) =>
            SetEnabled(index, name, false, c, cl, h)).Produces<FeedStateResponse>().WithSummary("Stop counting a feed (its prices are refused)");
        admin.MapPost("/{index}/feeds/{name}/enable", (string index, string name, HttpContext c, IClusterClient cl, IndexHub h) =>
            SetEnabled(index, name, true, c, cl, h)).Produces<FeedStateResponse>().WithSummary("Count a disabled feed again");

        var api = app.MapGroup("/api/v1").WithTags("Public").WithMetadata(new EndpointAccess(Access.Public))
            .RequireRateLimiting(RateLimits.Public);
        api.MapGet("/indices", List).WithSummary("The indices markets follow, with their feeds");
        api.MapGet("/indices/{index}", Get).WithSummary("An index: its price and status, volatility, policy, feeds and markets");

        app.MapPost("/api/v1/feeds/prices", Publish).WithTags("Feeds").RequireFeedSignature().RequireRateLimiting(RateLimits.Feeds)
            .Accepts<PublishPricesRequest>("application/json").Produces<PublishResponse>()
            .WithSummary("A feed's prices for its index (signed with the feed's key): one, or up to 100 in 'prices'");
    }

    private static async Task<IResult> Configure(HttpContext context, IClusterClient cluster, IndexHub hub)
    {
        _ = new QueryReader(context.Request);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "index", "minFeeds", "staleAfterMs", "maxDeviationBps", "volatility");
        var index = body.RequiredText("index");
        if (!IndexRules.IsValidName(index))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "index", "the index name must be 1-32 characters of A-Z, 0-9 and '-'"));
        var oracle = cluster.GetGrain<IOracleGrain>(index);
        var current = await oracle.GetIndex();
        var basis = current?.Policy ?? IndexPolicy.Default;
        var policy = new IndexPolicy(body.WholeNumber("minFeeds", 0, int.MaxValue) ?? basis.MinFeeds,
            body.LongNumber("staleAfterMs", 0, long.MaxValue) ?? basis.StaleAfterMs,
            body.WholeNumber("maxDeviationBps", 0, int.MaxValue) ?? basis.MaxDeviationBps);
        VolatilityPolicy? volatility = null;
        if (body.Nested("volatility", "intervalMs", "lambdaPpm", "horizonIntervals") is { } v)
        {
            var was = current?.Volatility ?? VolatilityPolicy.Default;
            volatility = new VolatilityPolicy(v.LongNumber("intervalMs", 0, long.MaxValue) ?? was.IntervalMs,
                v.WholeNumber("lambdaPpm", 0, int.MaxValue) ?? was.LambdaPpm, v.WholeNumber("horizonIntervals", 0, int.MaxValue) ?? was.HorizonIntervals);
        }
        if ((policy.Problem() ?? volatility?.Problem()) is { } problem)
            return ApiError.BadRequest(ErrorCodes.InvalidIndexPolicy, problem).ToResult();
        try
        {
            await oracle.Configure(policy, volatility);
        }
        catch (ArgumentException ex)
        {
            return ApiError.BadRequest(ErrorCodes.InvalidIndexPolicy, ApiError.Shorten(ex.Message)).ToResult();
        }
        var view = await hub.Read(index) ?? throw new InvalidOperationException($"index {index} was configured but its oracle does not show it");
        return Results.Ok(IndexMapping.Index(view));
    }

    private static async Task<IResult> AddFeed(string index, HttpContext context, IClusterClient cluster, IndexHub hub, ApiKeys keys)
    {
        _ = new QueryReader(context.Request);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "name", "revokeOthers");
        var name = body.RequiredText("name");
        var rotate = body.Bool("revokeOthers") == true;
        if (!IsFeedName(name))
            throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "name", $"a feed name is 1-{MaxFeedNameLength} characters of a-z, A-Z, 0-9, '-' and '_'"));
        var view = await Existing(index, hub);
        var oracle = cluster.GetGrain<IOracleGrain>(index);
        var feedId = view.Feeds.FirstOrDefault(f => f.Name == name)?.FeedId;
        // A feed that exists keeps its keys (its secret is never shown again), unless asked to rotate them. One without a
        // working key (revoked, or issuing it failed after the feed was registered) gets a new one.
        if (feedId is not null && rotate) await keys.RevokeFeedKeys(feedId, context.RequestAborted);
        else if (feedId is not null && await keys.FeedHasKey(feedId, context.RequestAborted))
            return ApiError.Conflict(ErrorCodes.FeedExists,
                $"index {index} already has a feed {name} with a key; send revokeOthers: true to replace its keys").ToResult();
        if (feedId is null)
        {
            try
            {
                feedId = await oracle.AddFeed(name);
            }
            catch (ArgumentException ex)
            {
                // Another request registered it meanwhile (and issues its key), or the oracle refused the name.
                return (await oracle.GetIndex())?.Feeds.Any(f => f.Name == name) == true
                    ? ApiError.Conflict(ErrorCodes.FeedExists, $"index {index} already has a feed {name}").ToResult()
                    : ApiError.Field(ErrorCodes.InvalidField, "name", ApiError.Shorten(ex.Message)).ToResult();
            }
            catch (KeyNotFoundException)
            {
                return UnknownIndex(index).ToResult();
            }
        }
        // The feed is registered (durably) before its key exists; a failure here leaves a keyless feed that the next call gives a key.
        var issued = await keys.IssueFeedKey(feedId, context.RequestAborted);
        await hub.Read(index);
        return Results.Ok(new FeedKeyResponse(issued.FeedId, issued.ApiKey, issued.ApiSecret));
    }

    private static async Task<IResult> SetEnabled(string index, string name, bool enabled, HttpContext context, IClusterClient cluster, IndexHub hub)
    {
        _ = new QueryReader(context.Request);
        JsonBody.RequireEmpty(RequestBody.Of(context).Bytes);
        var view = await Existing(index, hub);
        if (!IsFeedName(name) || view.Feeds.FirstOrDefault(f => f.Name == name) is not { } feed)
            return ApiError.NotFound(ErrorCodes.FeedNotFound, $"index {index} has no feed {ApiError.Shorten(name)}").ToResult();
        try
        {
            await cluster.GetGrain<IOracleGrain>(index).SetFeedEnabled(feed.FeedId, enabled);
        }
        catch (KeyNotFoundException)
        {
            return ApiError.NotFound(ErrorCodes.FeedNotFound, $"index {index} has no feed {name}").ToResult();
        }
        await hub.Read(index);
        return Results.Ok(new FeedStateResponse(index, name, feed.FeedId, enabled));
    }

    private static async Task<IndexResponse[]> List(HttpContext context, MarketDirectory markets, IndexHub hub)
    {
        _ = new QueryReader(context.Request);
        var names = (await markets.All()).Select(s => s.Index?.Index).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var views = await Task.WhenAll(names.Select(hub.Read));
        return [.. views.OfType<IndexView>().Select(IndexMapping.Index)];
    }

    private static async Task<IResult> Get(string index, HttpContext context, IndexHub hub)
    {
        _ = new QueryReader(context.Request);
        return await hub.Find(index) is { } view ? Results.Ok(IndexMapping.Index(view)) : UnknownIndex(index).ToResult();
    }

    private static async Task<IResult> Publish(HttpContext context, IClusterClient cluster, IndexHub hub, Telemetry.GatewayMetrics metrics)
    {
        _ = new QueryReader(context.Request);
        var feedId = ApiCaller.Of(context).FeedId ?? throw new InvalidOperationException("endpoint is not marked as a feed's");
        var index = feedId[..feedId.IndexOf('.', StringComparison.Ordinal)];
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "index", "price", "timestamp", "prices");
        JsonBody[] items;
        var single = !body.Has("prices");
        if (single) items = [body];
        else
        {
            if (body.Has("index") || body.Has("price") || body.Has("timestamp"))
                throw new ApiException(ApiError.BadRequest(ErrorCodes.InvalidJson, "send one price (index, price, timestamp) or 'prices', not both"));
            var array = body.Array("prices", MaxPricesPerRequest)!;
            if (array.Length == 0)
                throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "prices", $"'prices' must hold 1 to {MaxPricesPerRequest} prices"));
            items = [.. array.Select(e => JsonBody.Of(e, "prices", "index", "price", "timestamp"))];
        }

        // Each price is judged on its own: what the edge can refuse it refuses here, the rest goes to the oracle in order.
        var results = new PriceResult[items.Length];
        var toOracle = new List<(int At, FeedPrice Price)>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            var named = item.RequiredText("index");
            var timestampText = item.TextOrDigits("timestamp")
                ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "timestamp", "'timestamp' is required"));
            if (named != index)
                results[i] = PriceResult.Refused(ErrorCodes.WrongIndex, $"this key publishes prices for {index} only");
            else if (ParsePrice(item) is not { } price)
                results[i] = PriceResult.Refused(ErrorCodes.InvalidPrice,
                    "a price is a positive decimal string (digits, at most one '.', no sign or exponent) within the index's precision");
            else if (!TryTimestamp(timestampText, out var timestamp))
                results[i] = PriceResult.Refused(ErrorCodes.InvalidTimestamp, "the timestamp must be a positive Unix time in milliseconds");
            else toOracle.Add((i, new FeedPrice(price, timestamp)));
        }
        if (toOracle.Count > 0)
        {
            PublishResult[] answers;
            try
            {
                answers = await cluster.GetGrain<IOracleGrain>(index).Publish(feedId, [.. toOracle.Select(p => p.Price)]);
            }
            catch (Exception ex) when (ex is not ApiException and not OperationCanceledException)
            {
                return RejectionErrors.OutcomeUnknown(
                    $"the oracle did not answer ({ex.GetType().Name}): some prices may have been taken; publish the next ones").ToResult();
            }
            for (var j = 0; j < toOracle.Count; j++) results[toOracle[j].At] = Result(answers[j], index);
            hub.Watch(index);
        }
        foreach (var result in results) metrics.PriceAnswered(index, result.Code);
        if (single && results[0].Code is { } code) return ApiError.BadRequest(code, results[0].Message!).ToResult();
        return Results.Ok(new PublishResponse(results));
    }

    private static long? ParsePrice(JsonBody item)
    {
        // The shape is checked here too, so that no sign, exponent or space reaches the parser whatever it tolerates.
        if (item.Element("price") is not { ValueKind: System.Text.Json.JsonValueKind.String } element) return null;
        var text = element.GetString();
        if (string.IsNullOrEmpty(text) || text.Length > 40 || !text.All(c => char.IsAsciiDigit(c) || c == '.')) return null;
        try
        {
            return IndexPrices.TryParse(text, out var price) && price > 0 ? price : null;
        }
        catch (OverflowException)
        {
            return null; // a parser should say false, but a number too large is never a 500 here
        }
    }

    private static bool TryTimestamp(string text, out long timestamp)
    {
        timestamp = 0;
        return text.Length is > 0 and <= 16 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out timestamp)
            && timestamp > 0;
    }

    private static PriceResult Result(PublishResult result, string index) => result switch
    {
        PublishResult.Accepted => PriceResult.Accepted,
        PublishResult.FeedDisabled => PriceResult.Refused(ErrorCodes.FeedDisabled, "the operator disabled this feed"),
        PublishResult.TimestampInFuture => PriceResult.Refused(ErrorCodes.TimestampInFuture, "the timestamp is ahead of the exchange's clock"),
        PublishResult.TimestampNotAfterLast => PriceResult.Refused(ErrorCodes.TimestampNotAfterLast,
            "the timestamp is not after this feed's last accepted price"),
        PublishResult.InvalidPrice => PriceResult.Refused(ErrorCodes.InvalidPrice, "the oracle refused the price"),
        PublishResult.UnknownIndex => PriceResult.Refused(ErrorCodes.UnknownIndex, $"index {index} is not configured"),
        _ => PriceResult.Refused(ErrorCodes.FeedNotFound, "this key's feed is no longer registered with its index"),
    };

    private static async Task<IndexView> Existing(string index, IndexHub hub) =>
        (IndexRules.IsValidName(index) ? await hub.Read(index) : null) ?? throw new ApiException(UnknownIndex(index));

    private static ApiError UnknownIndex(string index) => ApiError.NotFound(ErrorCodes.UnknownIndex, $"no index {ApiError.Shorten(index)}");

    private static bool IsFeedName(string name) =>
        name.Length is > 0 and <= MaxFeedNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
