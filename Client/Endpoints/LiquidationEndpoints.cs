using Exchange.Accounts;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Risk;

namespace Exchange.Client.Endpoints;

/// <summary>
/// Where people look at liquidations: the public feed of liquidation steps, each market's insurance fund (balance, rules,
/// history), and the operator's setting of a market's liquidation rules (journaled).
/// </summary>
public static class LiquidationEndpoints
{
    private const int DefaultLimit = 100, MaxLimit = 1_000, MaxAdminLimit = 10_000;

    public static void MapAdmin(RouteGroupBuilder admin)
    {
        admin.MapPost("/markets/{symbol}/liquidation", SetRules).Produces<InsuranceFundResponse>()
            .WithSummary("Set the market's liquidation rules: insurance fund account, fee, slice size, cooldown, fund loss cap (journaled)");
        admin.MapGet("/markets/{symbol}/liquidator", Liquidator).Produces<LiquidatorResponse>()
            .WithSummary("What the market's batched liquidator has done since it activated: batches from the risk shards, accounts " +
                         "backstopped, sent to the book, handed back to their accounts, and position transfers");
        admin.MapGet("/markets/{symbol}/liquidations", StepsAfter).Produces<LiquidationStepsResponse>()
            .WithSummary("The market's liquidation steps after a sequence, oldest first, with the accounts on both sides (for risk " +
                         "monitors and the stress lab: read again from 'next' to follow them all; 'complete' false means some were missed)");
    }

    public static void MapPublic(RouteGroupBuilder api)
    {
        api.MapGet("/liquidations", Liquidations).Produces<LiquidationResponse[]>()
            .WithSummary("Recent liquidation steps in a market (symbol required), newest first: book, fund, adl, fee");
        api.MapGet("/markets/{symbol}/insurance-fund", Fund).Produces<InsuranceFundResponse>()
            .WithSummary("The market's insurance fund: balance, cap, fee and its recent takeovers and fees");
    }

    private static async Task<LiquidationResponse[]> Liquidations(HttpContext context, MarketDirectory markets)
    {
        var query = new QueryReader(context.Request, "symbol", "limit");
        var limit = query.WholeNumber("limit", DefaultLimit, 1, MaxLimit);
        var symbol = query.Text("symbol") ?? throw new ApiException(ApiError.BadRequest(ErrorCodes.InvalidParameter, "symbol is required"));
        var spec = await markets.Get(symbol);
        return [.. (await markets.Market(spec).GetLiquidations(limit)).Select(r => Map(spec, r))];
    }

    private static async Task<LiquidatorResponse> Liquidator(string symbol, HttpContext context, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var stats = await cluster.GetGrain<ILiquidatorGrain>(spec.Symbol).Stats();
        return new LiquidatorResponse(spec.Symbol, stats.Batches, stats.Backstopped, stats.ToBook, stats.Refused, stats.Transfers,
            stats.Entries, stats.MeanMs, stats.SlowestMs, stats.Chunks, stats.Waiting,
            stats.Time is { } t ? new LiquidatorTimeResponse(t.ReadMs, t.BookMs, t.FundMs, t.CandidatesMs, t.TransfersMs, t.FundChecksMs) : new(0, 0, 0, 0, 0, 0),
            stats.FundChecks, Units.Size(spec, stats.FundDeleveraged));
    }

    private static async Task<LiquidationStepsResponse> StepsAfter(string symbol, HttpContext context, MarketDirectory markets)
    {
        var query = new QueryReader(context.Request, "after", "limit");
        var after = query.LongNumber("after", 0, 0, long.MaxValue);
        var limit = query.WholeNumber("limit", MaxLimit, 1, MaxAdminLimit);
        var spec = await markets.Get(symbol);
        var page = await markets.Market(spec).GetLiquidationsAfter(after, limit);
        var steps = page.Steps.Select(r => new AccountLiquidationStep(r.AccountId, r.CounterpartyId, Map(spec, r))).ToArray();
        return new LiquidationStepsResponse(spec.Symbol, page.Complete, steps.Length > 0 ? steps[^1].Step.Sequence : after, steps);
    }

    private static async Task<IResult> Fund(string symbol, HttpContext context, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var terms = (await markets.Market(spec).GetSummary()).Terms;
        if (terms?.Liquidation is not { } rules)
            return RejectionErrors.For(RejectReason.NoLiquidationRules).ToResult();
        return Results.Ok(await FundView(spec, rules, markets, cluster));
    }

    private static async Task<InsuranceFundResponse> FundView(MarketSpec spec, LiquidationRules rules, MarketDirectory markets, IClusterClient cluster)
    {
        var view = await cluster.GetGrain<IAccountGrain>(rules.FundAccountId).GetView();
        var history = (await markets.Market(spec).GetLiquidations(MaxLimit))
            .Where(r => r.Step is LiquidationStep.Fund or LiquidationStep.Fee).Take(DefaultLimit).Select(r => Map(spec, r));
        return new InsuranceFundResponse(spec.Symbol, rules.FundAccountId, AccountEndpoints.SignedMoney(view.Equity),
            AccountEndpoints.SignedMoney(view.Collateral), rules.FeeBps, rules.FundLossCapBps, Units.Size(spec, rules.SliceLots),
            rules.CooldownMs, [.. history]);
    }

    private static async Task<IResult> SetRules(string symbol, HttpContext context, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "fundAccountId", "feeBps", "sliceSize", "cooldownMs", "fundLossCapBps");
        var current = (await markets.Market(spec).GetSummary()).Terms?.Liquidation;
        var fund = body.LongNumber("fundAccountId", long.MinValue, long.MaxValue) ?? current?.FundAccountId ?? 0;
        var slice = body.Text("sliceSize") is { } text ? Units.Lots(spec, text, "sliceSize") : current?.SliceLots ?? spec.MaxSize;
        var rules = new LiquidationRules(fund,
            body.WholeNumber("feeBps", int.MinValue, int.MaxValue) ?? current?.FeeBps ?? 50, slice,
            body.LongNumber("cooldownMs", long.MinValue, long.MaxValue) ?? current?.CooldownMs ?? 1_000,
            body.WholeNumber("fundLossCapBps", int.MinValue, int.MaxValue) ?? current?.FundLossCapBps ?? 2_000);
        if (rules.Problem() is { } problem) return ApiError.BadRequest(ErrorCodes.InvalidLiquidationRules, problem).ToResult();
        var (_, error) = await AdminEndpoints.Command(markets, spec, new SetLiquidationRulesCommand(rules));
        if (error is { Code: ErrorCodes.NoChange }) return ApiError.Conflict(ErrorCodes.NoChange, "those rules are already in force").ToResult();
        if (error is not null) return error.ToResult();
        return Results.Ok(await FundView(spec, rules, markets, cluster));
    }

    private static LiquidationResponse Map(MarketSpec spec, LiquidationRecord r)
    {
        var fee = r.Step == LiquidationStep.Fee;
        string? shortfall = null;
        if (r.Step is LiquidationStep.Fund or LiquidationStep.Deleverage && r.Mark > 0)
        {
            // The other side buys a long (the liquidated side sells) at the price: it loses what the price is above the mark.
            var perTick = r.Side == Side.Sell ? r.Price - r.Mark : r.Mark - r.Price;
            shortfall = Units.Money(Math.Max(0, checked(perTick * r.Size * spec.NotionalPerTickLot)));
        }
        return new LiquidationResponse(r.Sequence, r.Timestamp / 1_000, spec.Symbol, r.Step switch
            {
                LiquidationStep.Book => "book",
                LiquidationStep.Fund => "fund",
                LiquidationStep.Deleverage => "adl",
                _ => "fee",
            }, Vocabulary.Of(r.Side), fee ? null : Units.Price(spec, r.Price), fee ? null : Units.Size(spec, r.Size),
            fee ? Units.Money(r.Size) : null, r.Mark > 0 ? Units.Price(spec, r.Mark) : null, shortfall);
    }
}
