using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Client.Endpoints;

/// <summary>
/// The operator's setting of a market's open-interest caps (journaled with its terms, like its risk and liquidation rules):
/// the market's total open interest and one account's position, in base units, "0" for no cap. The caps and the current
/// open interest are shown on the market and its ticker.
/// </summary>
public static class OpenInterestEndpoints
{
    public static void MapAdmin(RouteGroupBuilder admin) =>
        admin.MapPost("/markets/{symbol}/open-interest", SetLimits).Accepts<OpenInterestLimitsRequest>("application/json")
            .Produces<MarketResponse>()
            .WithSummary("Set the market's open-interest caps: maxOpenInterest and maxPositionSize in base units, \"0\" for none (journaled; fields left out keep their value)");

    private static async Task<IResult> SetLimits(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "maxOpenInterest", "maxPositionSize");
        var current = (await markets.Market(spec).GetSummary()).Terms?.OpenInterest ?? OpenInterestLimits.None;
        var limits = new OpenInterestLimits(
            body.Text("maxOpenInterest") is { } market ? Lots(spec, market, "maxOpenInterest") : current.MarketLots,
            body.Text("maxPositionSize") is { } account ? Lots(spec, account, "maxPositionSize") : current.AccountLots);
        var (_, error) = await AdminEndpoints.Command(markets, spec, new SetOpenInterestLimitsCommand(limits));
        if (error is { Code: ErrorCodes.NoChange }) return ApiError.Conflict(ErrorCodes.NoChange, "those limits are already in force").ToResult();
        if (error is not null) return error.ToResult();
        return Results.Ok(ApiMapping.Market(spec, await markets.Market(spec).GetSummary()));
    }

    /// <summary>A cap in base units: a whole number of lots, 0 (no cap) or more.</summary>
    internal static long Lots(MarketSpec spec, string text, string field) =>
        Units.TryWhole(text, spec.LotSize, out var lots) && lots >= 0 ? lots
            : throw new ApiException(ApiError.Field(ErrorCodes.InvalidOpenInterestLimits, field,
                $"{field} must be a decimal string of 0 (no cap) or more that is a multiple of the lot size {DecimalText.Format(spec.LotSize)}"));
}
