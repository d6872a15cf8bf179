using Exchange.Accounts;
using Exchange.Client.Contracts;
using Exchange.Client.Errors;
using Exchange.Client.Input;
using Exchange.Client.Keys;
using Exchange.Client.Markets;
using Exchange.Client.Security;
using Exchange.Markets;
using Exchange.Matching;
using System.Text.Json;

namespace Exchange.Client.Endpoints;

/// <summary>The operator's API (admin bearer token): accounts and keys, deposits, markets, modes, marks, the audit.</summary>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").WithTags("Admin").RequireAdmin();
        admin.MapPost("/accounts", CreateAccount).Accepts<CreateAccountRequest>("application/json")
            .Produces<AccountCreatedResponse>(StatusCodes.Status201Created)
            .WithSummary("Create an account with an API key; the secret is shown only in this answer");
        admin.MapPost("/accounts/{accountId}/keys", IssueKey).Accepts<IssueKeyRequest>("application/json")
            .Produces<KeyIssuedResponse>(StatusCodes.Status201Created)
            .WithSummary("Issue another API key for the account (rotation); with revokeOthers the account's other keys stop working");
        admin.MapGet("/accounts/{accountId}/keys", ListKeys).Produces<KeyResponse[]>().WithSummary("The account's API keys, revoked ones included");
        admin.MapDelete("/keys/{apiKey}", RevokeKey).Produces<KeyRevokedResponse>()
            .WithSummary("Revoke an API key (an account's or a price feed's): refused at once on this gateway, within Gateway:KeyCacheTime on every other");
        admin.MapGet("/accounts/{accountId}", GetAccount).WithSummary("An account's balances and positions");
        admin.MapPost("/accounts/views", GetAccounts).Accepts<AccountViewsRequest>("application/json").Produces<AccountViewsResponse>()
            .WithSummary($"Many accounts' balances and positions at once (up to {MaxViews})");
        admin.MapPost("/accounts/{accountId}/deposits", Deposit).Accepts<TransferRequest>("application/json")
            .Produces<TransferResponse>().WithSummary("Credit collateral, once per transferId");
        admin.MapPost("/markets", CreateMarket).Accepts<CreateMarketRequest>("application/json")
            .Produces<MarketResponse>(StatusCodes.Status201Created).WithSummary("Create a market from a spec in human units");
        admin.MapPost("/markets/{symbol}/mode", SetMode).Accepts<ModeRequest>("application/json").Produces<ModeResponse>()
            .WithSummary("Switch the market's mode: open, post_only, cancel_only, halted or auction, with an optional reason");
        admin.MapPost("/markets/{symbol}/risk", SetRisk).Accepts<RiskRequest>("application/json").Produces<MarketResponse>()
            .WithSummary("Change the market's fees and margin tiers (journaled; fields left out keep their value)");
        admin.MapPost("/markets/{symbol}/mark-price", SetMarkPrice).Accepts<MarkPriceRequest>("application/json")
            .Produces<MarkPriceResponse>().WithSummary("Set the operator's mark price (\"0\" clears it) until the oracle exists");
        admin.MapPost("/markets/{symbol}/uncross", Uncross).Accepts<UncrossRequest>("application/json").Produces<UncrossResponse>()
            .WithSummary("End the auction: trade the crossed orders at one price and reopen the market");
        BreakerEndpoints.MapAdmin(admin);
        LiquidationEndpoints.MapAdmin(admin);
        JournalEndpoints.MapAdmin(admin);
        OpenInterestEndpoints.MapAdmin(admin);
        admin.MapPost("/markets/{symbol}/orders/reconcile", ReconcileOrders).Accepts<OrderReconcileRequest>("application/json")
            .Produces<OrderReconcileResponse>().WithSummary("Which of these (account, client order id) the market does not know");
        admin.MapGet("/audit", Audit).WithSummary("The conservation audit: both differences are zero at a quiet point");
    }

    private const int MaxReconciled = 256;

    /// <summary>
    /// Reconciles a record of acknowledged orders kept elsewhere (a client's, a stress run's) with the market, many at once
    /// and from memory: what the market does not know is listed. Describing each order instead would read the journal for
    /// every one older than the market's memory.
    /// </summary>
    private static async Task<OrderReconcileResponse> ReconcileOrders(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var items = JsonBody.Parse(RequestBody.Of(context).Bytes, "orders").Array("orders", MaxReconciled)
            ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "orders", $"'orders' is required: an array of up to {MaxReconciled} orders"));
        var orders = items.Select(item =>
        {
            var order = JsonBody.Of(item, "orders", "accountId", "clientOrderId");
            var accountId = order.LongNumber("accountId", 1, long.MaxValue)
                ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "accountId", "each order needs its 'accountId'"));
            return new ClientOrderRef(accountId, Identifiers.ClientOrderId(order.RequiredText("clientOrderId")));
        }).ToArray();
        var unknown = orders.Length == 0 ? [] : await markets.Market(spec).UnknownClientOrders(orders);
        return new OrderReconcileResponse(spec.Symbol, orders.Length,
            [.. unknown.Select(i => new ClientOrderResponse(orders[i].AccountId, orders[i].ClientOrderId))]);
    }

    private static async Task<IResult> CreateAccount(HttpContext context, ApiKeys keys)
    {
        _ = new QueryReader(context.Request);
        var bytes = RequestBody.Of(context).Bytes;
        string? label = null;
        if (!bytes.IsEmpty)
        {
            label = JsonBody.Parse(bytes, "label").Text("label");
            if (label is { Length: > 200 }) throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "label", "a label is at most 200 characters"));
        }
        var issued = await keys.CreateAccount(label, context.RequestAborted);
        return Results.Created($"/admin/v1/accounts/{issued.AccountId}", new AccountCreatedResponse(issued.AccountId, issued.ApiKey, issued.ApiSecret));
    }

    private sealed record IssueKeyRequest(bool? RevokeOthers);

    private static async Task<IResult> IssueKey(string accountId, HttpContext context, ApiKeys keys)
    {
        _ = new QueryReader(context.Request);
        var id = await ExistingAccount(accountId, keys, context.RequestAborted);
        var bytes = RequestBody.Of(context).Bytes;
        var revokeOthers = !bytes.IsEmpty && JsonBody.Parse(bytes, "revokeOthers").Bool("revokeOthers") == true;
        var issued = await keys.IssueKey(id, context.RequestAborted);
        var revoked = revokeOthers ? await keys.RevokeOthers(id, issued.ApiKey, context.RequestAborted) : [];
        return Results.Created($"/admin/v1/accounts/{id}/keys", new KeyIssuedResponse(id, issued.ApiKey, issued.ApiSecret, revoked));
    }

    private static async Task<IResult> ListKeys(string accountId, HttpContext context, ApiKeys keys)
    {
        _ = new QueryReader(context.Request);
        var id = await ExistingAccount(accountId, keys, context.RequestAborted);
        var list = await keys.Keys(id, context.RequestAborted);
        return Results.Ok(list.Select(k => new KeyResponse(k.ApiKey, k.CreatedAt.ToUnixTimeMilliseconds(), k.RevokedAt?.ToUnixTimeMilliseconds())));
    }

    private static async Task<IResult> RevokeKey(string apiKey, HttpContext context, ApiKeys keys)
    {
        _ = new QueryReader(context.Request);
        return await keys.Revoke(apiKey, context.RequestAborted) is { } owner
            ? Results.Ok(new KeyRevokedResponse(apiKey, owner.FeedId is null ? owner.AccountId : null, true, owner.FeedId))
            : ApiError.NotFound(ErrorCodes.KeyNotFound, $"no API key {ApiError.Shorten(apiKey)}").ToResult();
    }

    private static async Task<IResult> GetAccount(string accountId, HttpContext context, ApiKeys keys, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var id = await ExistingAccount(accountId, keys, context.RequestAborted);
        return Results.Ok(await AccountEndpoints.View(id, markets, cluster));
    }

    private const int MaxViews = 1_000, ViewsAtOnce = 16;

    /// <summary>
    /// Many accounts' views in one request (an operator's end-of-day check, a stress run's last reads): the same view as
    /// <see cref="GetAccount"/> for each account that exists, read from its grain, at most <see cref="ViewsAtOnce"/> at
    /// a time (each view asks the account's markets for their current mark, so views at once are market calls at once:
    /// a stress run reading 256 at once during a crash stalled the market); the ids of accounts that do not exist are
    /// listed apart. Each view is read on its own, so they are not one moment's picture of the venue (the audit is that).
    /// </summary>
    private static async Task<AccountViewsResponse> GetAccounts(HttpContext context, ApiKeys keys, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var items = JsonBody.Parse(RequestBody.Of(context).Bytes, "accountIds").Array("accountIds", MaxViews)
            ?? throw new ApiException(ApiError.Field(ErrorCodes.MissingField, "accountIds", $"'accountIds' is required: an array of up to {MaxViews} account ids"));
        var ids = items.Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var id) && id > 0 ? id
            : throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "accountIds", "each of 'accountIds' must be a positive whole number"))).Distinct().ToArray();
        var existing = ids.Length == 0 ? [] : await keys.ExistingAccounts(ids, context.RequestAborted);
        var found = ids.Where(existing.Contains).ToArray();
        var views = new AccountResponse[found.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, found.Length), new ParallelOptions { MaxDegreeOfParallelism = ViewsAtOnce, CancellationToken = context.RequestAborted },
            async (i, _) => views[i] = await AccountEndpoints.View(found[i], markets, cluster));
        return new AccountViewsResponse(views, [.. ids.Where(id => !existing.Contains(id))]);
    }

    private static async Task<IResult> Deposit(string accountId, HttpContext context, ApiKeys keys, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var id = await ExistingAccount(accountId, keys, context.RequestAborted);
        var (amount, transferId) = TransferReader.Read(RequestBody.Of(context).Bytes);
        return await AccountEndpoints.Transfer(id, "deposit", amount, transferId,
            () => cluster.GetGrain<IAccountGrain>(id).Deposit(amount, transferId));
    }

    private static async Task<IResult> CreateMarket(HttpContext context, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var spec = MarketSpecReader.Read(RequestBody.Of(context).Bytes);
        // A market following an index nobody configured would sit stale (in its safe mode) with no way out but another index.
        if (spec.Index is { } rules && await cluster.GetGrain<Oracles.IOracleGrain>(rules.Index).GetIndex() is null)
            return ApiError.Field(ErrorCodes.UnknownIndex, "index", $"no index {rules.Index}: configure it first (POST /admin/v1/indices)").ToResult();
        var created = await cluster.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec);
        switch (created)
        {
            case CreateMarketResult.Created:
                markets.Remember(spec);
                var status = await markets.Market(spec).GetSummary();
                return Results.Created($"/api/v1/markets/{spec.Symbol}", ApiMapping.Market(spec, status));
            case CreateMarketResult.AlreadyExists:
                return ApiError.Conflict(ErrorCodes.MarketExists, $"market {spec.Symbol} already exists").ToResult();
            default:
                return ApiError.BadRequest(ErrorCodes.InvalidMarketSpec, "the registry refused the spec").ToResult();
        }
    }

    private static async Task<IResult> SetMode(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var body = JsonBody.Parse(RequestBody.Of(context).Bytes, "mode", "reason");
        var mode = Vocabulary.ParseMode(body.RequiredText("mode"))
            ?? throw new ApiException(ApiError.Field(ErrorCodes.InvalidField, "mode", "'mode' must be open, post_only, cancel_only, halted or auction"));
        var cause = new ModeCause(ModeActor.Operator, body.Text("reason", ErrorCodes.InvalidReason));
        var (outcome, error) = await Command(markets, spec, new SetModeCommand(mode, cause));
        if (error is not null) return error.ToResult();
        var changed = outcome!.Events.Single(e => e.Kind == EventKind.ModeChanged);
        return Results.Ok(new ModeResponse(spec.Symbol, Vocabulary.Of(changed.Mode), changed.Sequence));
    }

    private static async Task<IResult> SetRisk(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var current = (await markets.Market(spec).GetSummary()).Terms?.Risk ?? spec.RiskTerms;
        var risk = MarketSpecReader.ReadRisk(RequestBody.Of(context).Bytes, current);
        var (_, error) = await Command(markets, spec, new SetRiskCommand(risk));
        if (error is not null) return error.ToResult();
        return Results.Ok(ApiMapping.Market(spec, await markets.Market(spec).GetSummary()));
    }

    private static async Task<IResult> Uncross(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var reference = Units.Ticks(spec, JsonBody.Parse(RequestBody.Of(context).Bytes, "referencePrice")
            .RequiredText("referencePrice", ErrorCodes.InvalidPrice), "referencePrice");
        return await UncrossAt(markets, spec, reference);
    }

    /// <summary>Ends the auction at a reference price (also the breaker's release): the price, volume and mode after.</summary>
    internal static async Task<IResult> UncrossAt(MarketDirectory markets, MarketSpec spec, long reference)
    {
        var (outcome, error) = await Command(markets, spec, new UncrossCommand(reference));
        if (error is not null) return error.ToResult();
        var uncrossed = outcome!.Events.Single(e => e.Kind == EventKind.AuctionUncrossed);
        var mode = outcome.Events.LastOrDefault(e => e.Kind == EventKind.ModeChanged);
        return Results.Ok(new UncrossResponse(spec.Symbol, uncrossed.Price == 0 ? null : Units.Price(spec, uncrossed.Price),
            Units.Size(spec, uncrossed.Size), Vocabulary.Of(mode.Kind == EventKind.ModeChanged ? mode.Mode : MarketMode.Auction),
            outcome.Events[^1].Sequence));
    }

    /// <summary>An operator command straight to the market; the outcome if it committed without rejection, else the error.</summary>
    internal static async Task<(CommandOutcome? Outcome, ApiError? Error)> Command(MarketDirectory markets, MarketSpec spec, MarketCommand command)
    {
        CommandOutcome outcome;
        try
        {
            outcome = await markets.Market(spec).Execute(command);
        }
        catch (UnavailableException ex)
        {
            return (null, RejectionErrors.JournalUnavailable(ex.Message));
        }
        catch (Exception ex)
        {
            return (null, RejectionErrors.NotAnswered(ex));
        }
        if (outcome.Status != CommandStatus.Committed) return (null, RejectionErrors.For(outcome));
        if (outcome.Rejection != RejectReason.None) return (null, RejectionErrors.For(outcome.Rejection));
        return (outcome, null);
    }

    private static async Task<IResult> SetMarkPrice(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var text = JsonBody.Parse(RequestBody.Of(context).Bytes, "price").RequiredText("price", ErrorCodes.InvalidPrice);
        var price = text == "0" ? 0 : Units.Ticks(spec, text);
        var market = markets.Market(spec);
        await market.SetMarkPrice(price);
        var mark = await market.GetMarkPrice();
        return Results.Ok(new MarkPriceResponse(spec.Symbol, mark == 0 ? null : Units.Price(spec, mark)));
    }

    private static async Task<AuditResponse> Audit(HttpContext context, MarketDirectory markets, IClusterClient cluster)
    {
        _ = new QueryReader(context.Request);
        var report = await cluster.GetGrain<IAuditGrain>(0).Run();
        var specs = (await markets.All()).ToDictionary(s => s.Symbol, StringComparer.Ordinal);
        var positions = report.NetPositions.ToDictionary(p => p.Key,
            p => specs.TryGetValue(p.Key, out var spec)
                ? (p.Value < 0 ? "-" : "") + Units.Size(spec, Math.Abs(p.Value))
                : p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new AuditResponse(report.Accounts, AccountEndpoints.SignedMoney(report.Holdings), AccountEndpoints.SignedMoney(report.Fees),
            AccountEndpoints.SignedMoney(report.InsuranceFund), AccountEndpoints.SignedMoney(report.NetDeposits),
            AccountEndpoints.SignedMoney(report.MoneyDifference), positions, report.Balanced, AccountEndpoints.SignedMoney(report.BadDebt),
            AccountEndpoints.SignedMoney(report.FundingKept));
    }

    private static async Task<long> ExistingAccount(string text, ApiKeys keys, CancellationToken cancellationToken)
    {
        var id = Identifiers.PositiveId(text, "accountId");
        return await keys.AccountExists(id, cancellationToken) ? id
            : throw new ApiException(ApiError.NotFound(ErrorCodes.AccountNotFound, $"no account {id}"));
    }
}
