using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Endpoints;

/// <summary>
/// The circuit breaker of a market: its rules (operator), a trip and a release by hand (operator), and its state with
/// the auction's indicative uncross (anyone). The band and velocity logic itself runs inside matching.
/// </summary>
public static class BreakerEndpoints
{
    public static void MapAdmin(RouteGroupBuilder admin)
    {
        admin.MapPost("/markets/{symbol}/breaker", SetRules).Produces<BreakerResponse>()
            .WithSummary("Set the price band and velocity rules (journaled; fields left out keep their value, 0 switches a rule off)");
        admin.MapPost("/markets/{symbol}/breaker/policy", SetPolicy).Produces<BreakerResponse>()
            .WithSummary("Set how long the breaker pauses and how it reopens (the breaker's durable state; fields left out keep their value)");
        admin.MapPost("/markets/{symbol}/breaker/trip", Trip).Produces<BreakerResponse>()
            .WithSummary("Pause an open market by hand: it goes to an auction, set by the operator with the reason given");
        admin.MapPost("/markets/{symbol}/breaker/release", Release).Produces<UncrossResponse>()
            .WithSummary("End the pause: uncross the auction at the breaker's reference (trusted index, else last trade) and reopen");
    }

    public static void MapPublic(RouteGroupBuilder api) =>
        api.MapGet("/markets/{symbol}/breaker", Get).Produces<BreakerResponse>()
            .WithSummary("The circuit breaker: normal or paused, rules, reference, band, who tripped it and why, the indicative uncross");

    private static async Task<BreakerResponse> Get(string symbol, HttpContext context, MarketDirectory markets, IGrainFactory grains)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var view = markets.Market(spec).GetBreaker();
        var breaker = grains.GetGrain<Exchange.Breakers.ICircuitBreakerGrain>(spec.Symbol).GetStatus();
        return ApiMapping.Breaker(spec, await view, await breaker);
    }

    private static async Task<IResult> SetRules(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "bandBps", "velocityBps", "velocityWindowMs");
        // Any whole number is read here, so that a value out of bounds gets the breaker's own code and words.
        int? band = body.WholeNumber("bandBps", int.MinValue, int.MaxValue), velocity = body.WholeNumber("velocityBps", int.MinValue, int.MaxValue);
        var window = body.LongNumber("velocityWindowMs", long.MinValue, long.MaxValue);
        var current = (await markets.Market(spec).GetSummary()).Terms?.Breaker ?? BreakerRules.Off;
        var rules = new BreakerRules(band ?? current.BandBps, velocity ?? current.VelocityBps, window ?? current.VelocityWindowMs);
        if (rules.Problem() is { } problem) return ApiError.BadRequest(ErrorCodes.InvalidBreakerRules, problem).ToResult();
        var (_, error) = await AdminEndpoints.Command(markets, spec, new SetBreakerRulesCommand(rules));
        if (error is { Code: ErrorCodes.NoChange }) return ApiError.Conflict(ErrorCodes.NoChange, "those rules are already in force").ToResult();
        if (error is not null) return error.ToResult();
        return Results.Ok(ApiMapping.Breaker(spec, await markets.Market(spec).GetBreaker()));
    }

    /// <summary>
    /// The pause policy belongs to the breaker grain, not to the market's journal: it decides when the breaker asks
    /// for a reopen, and every reopen it asks for is itself a journaled market command. A change applies from the next
    /// trip (or the next extension) on.
    /// </summary>
    private static async Task<IResult> SetPolicy(string symbol, HttpContext context, MarketDirectory markets, IGrainFactory grains)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes,
            "pauseMs", "escalatedPauseMs", "escalationWindowMs", "extensionMs", "recheckMs", "maxCollarBps");
        var breaker = grains.GetGrain<Exchange.Breakers.ICircuitBreakerGrain>(spec.Symbol);
        var current = (await breaker.GetStatus()).Policy;
        long? Ms(string name) => body.LongNumber(name, long.MinValue, long.MaxValue);
        var policy = new Exchange.Breakers.BreakerPolicy(
            Ms("pauseMs") ?? current.PauseMs, Ms("escalatedPauseMs") ?? current.EscalatedPauseMs,
            Ms("escalationWindowMs") ?? current.EscalationWindowMs, Ms("extensionMs") ?? current.ExtensionMs,
            Ms("recheckMs") ?? current.RecheckMs, body.WholeNumber("maxCollarBps", int.MinValue, int.MaxValue) ?? current.MaxCollarBps);
        if (policy.Problem() is { } problem) return ApiError.BadRequest(ErrorCodes.InvalidBreakerPolicy, problem).ToResult();
        await breaker.SetPolicy(policy);
        return Results.Ok(ApiMapping.Breaker(spec, await markets.Market(spec).GetBreaker(), await breaker.GetStatus()));
    }

    /// <summary>
    /// The operator's trip: an auction like the breaker's, but the cause names the operator (who decided) with their
    /// reason, so that the breaker's own trips stay countable as the rules' doing.
    /// </summary>
    private static async Task<IResult> Trip(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var reason = JsonBody.Parse(RequestBody.Of(context).Bytes, "reason").RequiredText("reason", ErrorCodes.InvalidReason);
        var cause = new ModeCause(ModeActor.Operator, reason);
        if (!cause.IsValid) return RejectionErrors.For(RejectReason.InvalidReason).ToResult();
        var mode = (await markets.Market(spec).GetSummary()).Mode;
        if (!OrderRules.Matches(mode))
            return ApiError.Conflict(ErrorCodes.MarketNotOpen, $"only an open market can be paused; it is {Vocabulary.Of(mode)}").ToResult();
        var (_, error) = await AdminEndpoints.Command(markets, spec, new SetModeCommand(MarketMode.Auction, cause));
        if (error is not null) return error.ToResult();
        return Results.Ok(ApiMapping.Breaker(spec, await markets.Market(spec).GetBreaker()));
    }

    private static async Task<IResult> Release(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        JsonBody.RequireEmpty(RequestBody.Of(context).Bytes);
        var view = await markets.Market(spec).GetBreaker();
        if (view.Mode != MarketMode.Auction) return RejectionErrors.For(RejectReason.NotInAuction).ToResult();
        if (view.Reference <= 0)
            return ApiError.BadRequest(ErrorCodes.NoReferencePrice,
                "no reference price (no trusted index, no trade yet): uncross with an explicit referencePrice (POST .../uncross)").ToResult();
        // The reference only breaks ties between prices of equal volume and imbalance; within the market's range it
        // picks the same price as outside it, since every candidate is a price an order rests at or next to.
        var reference = Math.Clamp(view.Reference, spec.MinPrice, spec.MaxPrice);
        return await AdminEndpoints.UncrossAt(markets, spec, reference);
    }
}
