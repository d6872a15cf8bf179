using Exchange.Accounts;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Orders;
using Exchange.Client.Security;

namespace Exchange.Client.Endpoints;

/// <summary>The signed caller's account: balances and positions, fills, withdrawals.</summary>
public static class AccountEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Account").RequireSignature();
        api.MapGet("/account", Account).RequireRateLimiting(RateLimits.Queries)
            .WithSummary("Collateral, equity, margin used, available, and positions at mark");
        api.MapGet("/fills", Fills).RequireRateLimiting(RateLimits.Queries)
            .WithSummary("The account's fills, newest first; optional symbol and limit");
        api.MapPost("/withdrawals", Withdraw).RequireRateLimiting(RateLimits.Orders)
            .Accepts<TransferRequest>("application/json").Produces<TransferResponse>()
            .WithSummary("Withdraw collateral, once per transferId");
    }

    private static async Task<AccountResponse> Account(HttpContext context, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        return await View(ApiCaller.Of(context).AccountId, markets, cluster);
    }

    public static async Task<AccountResponse> View(long accountId, MarketDirectory markets, IClusterClient cluster)
    {
        var view = await cluster.GetGrain<IAccountGrain>(accountId).GetView();
        var positions = new List<PositionResponse>();
        foreach (var p in view.Positions)
        {
            if (await markets.Known(p.Symbol) is not { } spec) continue;
            positions.Add(new PositionResponse(p.Symbol, (p.Size < 0 ? "-" : "") + Units.Size(spec, Math.Abs(p.Size)),
                Units.EntryPrice(spec, p.Cost, p.Size), p.MarkPrice == 0 ? null : Units.Price(spec, p.MarkPrice),
                SignedMoney(p.UnrealisedPnl), checked((int)p.OpenOrders), p.LiquidationPrice == 0 ? null : Units.Price(spec, p.LiquidationPrice)));
        }
        return new AccountResponse(view.AccountId, SignedMoney(view.Collateral), SignedMoney(view.Equity),
            SignedMoney(view.InitialMargin), SignedMoney(view.MaintenanceMargin), SignedMoney(view.Available),
            SignedMoney(view.FeesPaid), SignedMoney(view.RealisedPnl), [.. positions],
            view.MarginRatioPpm == long.MaxValue ? null : (view.MarginRatioPpm / 1_000_000m).ToString(System.Globalization.CultureInfo.InvariantCulture),
            view.Liquidating);
    }

    private static async Task<FillResponse[]> Fills(HttpContext context, MarketDirectory markets, OrderService orders)
    {
        var query = new QueryReader(context.Request, "symbol", "limit");
        var limit = query.WholeNumber("limit", OrderEndpoints.DefaultLimit, 1, OrderEndpoints.MaxLimit);
        var caller = ApiCaller.Of(context);
        var fills = new List<FillResponse>();
        foreach (var spec in await markets.OneOrAll(query.Text("symbol")))
        {
            var history = await orders.History(caller.AccountId, spec);
            fills.AddRange(history.Fills.Select(f => ApiMapping.Fill(spec, f, history.Orders[f.OrderId].ClientOrderId)));
        }
        return [.. fills.OrderByDescending(f => f.Time).ThenByDescending(f => f.TradeId).Take(limit)];
    }

    private static async Task<IResult> Withdraw(HttpContext context, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var (amount, transferId) = TransferReader.Read(RequestBody.Of(context).Bytes);
        var accountId = ApiCaller.Of(context).AccountId;
        return await Transfer(accountId, "withdrawal", amount, transferId,
            () => cluster.GetGrain<IAccountGrain>(accountId).Withdraw(amount, transferId));
    }

    /// <summary>
    /// Runs a deposit or withdrawal and answers; an unanswered call is OUTCOME_UNKNOWN (retry with the same id). The
    /// transfer id makes a repeat safe, so a delivery the cluster refused (a silo died) is repeated here first.
    /// </summary>
    public static async Task<IResult> Transfer(long accountId, string kind, long amount, string transferId, Func<Task<TransferResult>> run)
    {
        TransferResult result;
        try
        {
            result = await ClusterRetry.Run(run);
        }
        catch (UnavailableException ex)
        {
            return RejectionErrors.JournalUnavailable(ex.Message).With("transferId", transferId).ToResult();
        }
        catch (Exception ex)
        {
            return RejectionErrors.NotAnswered(ex).With("transferId", transferId).ToResult();
        }
        if (result.Reject != AccountReject.None) return RejectionErrors.For(result.Reject).ToResult();
        return Results.Ok(new TransferResponse(accountId, transferId, kind, Units.Money(amount), result.Duplicate, SignedMoney(result.Collateral)));
    }

    public static string SignedMoney(long micros) => micros < 0 ? "-" + Units.Money(-micros) : Units.Money(micros);
}
