using Exchange.Accounts;
using Exchange.Client.Endpoints;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Security;
using Exchange.Matching;

namespace Exchange.Client.Binance;

/// <summary>
/// The account on the Binance surface: balance (one asset, USDT, standing for the venue's USD collateral), account,
/// positions, leverage brackets and leverage. Margin is cross margin by the market's tier schedule, so leverage is not a
/// setting here: POST /fapi/v1/leverage checks the leverage against the first tier's and echoes it, and changes nothing.
/// There is no liquidation engine yet, so the liquidation price is 0.
/// </summary>
public static class BinanceAccount
{
    public static void Map(RouteGroupBuilder fapi)
    {
        foreach (var version in new[] { "v2", "v3" })
        {
            BinanceOrders.Signed(fapi.MapGet($"/{version}/account", Account), BinanceRateLimitPolicy.Queries);
            BinanceOrders.Signed(fapi.MapGet($"/{version}/balance", Balance), BinanceRateLimitPolicy.Queries);
            BinanceOrders.Signed(fapi.MapGet($"/{version}/positionRisk", (HttpContext c, MarketDirectory m, IClusterClient cl, TimeProvider t)
                => Positions(c, m, cl, t, version == "v2")), BinanceRateLimitPolicy.Queries, "symbol");
        }
        BinanceOrders.Signed(fapi.MapGet("/v1/leverageBracket", LeverageBrackets), BinanceRateLimitPolicy.Queries, "symbol");
        BinanceOrders.Signed(fapi.MapPost("/v1/leverage", Leverage), BinanceRateLimitPolicy.Orders, "symbol", "leverage");
    }

    private static string Money(long micros) => AccountEndpoints.SignedMoney(micros);

    private static async Task<IResult> Account(HttpContext context, MarketDirectory markets, IClusterClient cluster, TimeProvider clock)
    {
        var view = await cluster.GetGrain<IAccountGrain>(ApiCaller.Of(context).AccountId).GetView();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var unrealised = view.Equity - view.Collateral;
        var asset = new BinanceAccountAsset(BinanceSymbols.Quote, Money(view.Collateral), Money(unrealised), Money(view.Equity),
            Money(view.MaintenanceMargin), Money(view.InitialMargin), Money(view.Collateral), Money(unrealised), Money(view.Available),
            Money(Math.Max(0, view.Available)), true, now);
        var positions = new List<BinanceAccountPosition>();
        foreach (var (spec, p) in await Named(markets, view))
            positions.Add(new BinanceAccountPosition(BinanceSymbols.Of(spec.Symbol)!, "BOTH", Size(spec, p.Size), Money(p.UnrealisedPnl),
                "0", Notional(spec, p), "0", now));
        return BinanceMarketData.Json(new BinanceAccountInfo(Money(view.InitialMargin), Money(view.MaintenanceMargin), Money(view.Collateral),
            Money(unrealised), Money(view.Equity), Money(view.Collateral), Money(unrealised), Money(view.Available),
            Money(Math.Max(0, view.Available)), true, false, true, false, now, [asset], [.. positions]));
    }

    private static async Task<IResult> Balance(HttpContext context, IClusterClient cluster, TimeProvider clock)
    {
        var view = await cluster.GetGrain<IAccountGrain>(ApiCaller.Of(context).AccountId).GetView();
        return BinanceMarketData.Json(new[]
        {
            new BinanceBalance("account-" + view.AccountId, BinanceSymbols.Quote, Money(view.Collateral), Money(view.Collateral),
                Money(view.Equity - view.Collateral), Money(view.Available), Money(Math.Max(0, view.Available)), true,
                clock.GetUtcNow().ToUnixTimeMilliseconds()),
        });
    }

    /// <summary>Open positions (size not 0) in markets that have a Binance name.</summary>
    private static async Task<IResult> Positions(HttpContext context, MarketDirectory markets, IClusterClient cluster, TimeProvider clock,
        bool v2)
    {
        var symbol = BinanceParameters.Of(context).Text("symbol");
        var only = symbol is null ? null : await BinanceSymbols.Market(markets, symbol);
        var view = await cluster.GetGrain<IAccountGrain>(ApiCaller.Of(context).AccountId).GetView();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var answer = new List<BinancePosition>();
        foreach (var (spec, p) in await Named(markets, view))
        {
            if (only is not null && spec.Symbol != only.Symbol) continue;
            answer.Add(new BinancePosition(BinanceSymbols.Of(spec.Symbol)!, "BOTH", Size(spec, p.Size),
                Units.EntryPrice(spec, p.Cost, p.Size) ?? "0", p.MarkPrice == 0 ? "0" : Units.Price(spec, p.MarkPrice),
                Money(p.UnrealisedPnl), p.LiquidationPrice == 0 ? "0" : Units.Price(spec, p.LiquidationPrice), "0", Notional(spec, p),
                BinanceSymbols.Quote, "0", 0, now,
                v2 ? MaxLeverage(spec).ToString(System.Globalization.CultureInfo.InvariantCulture) : null, v2 ? "cross" : null));
        }
        return BinanceMarketData.Json(answer.ToArray());
    }

    private static async Task<List<(MarketSpec Spec, PositionView Position)>> Named(MarketDirectory markets, AccountView view)
    {
        var named = new List<(MarketSpec, PositionView)>();
        foreach (var p in view.Positions)
            if (p.Size != 0 && BinanceSymbols.Of(p.Symbol) is not null && await markets.Known(p.Symbol) is { } spec)
                named.Add((spec, p));
        return named;
    }

    private static string Size(MarketSpec spec, long lots) => (lots < 0 ? "-" : "") + Units.Size(spec, Math.Abs(lots));

    /// <summary>Signed size at the mark, in USD.</summary>
    private static string Notional(MarketSpec spec, PositionView p) =>
        DecimalText.Format((decimal)p.Size * p.MarkPrice * spec.TickSize * spec.LotSize);

    private static int MaxLeverage(MarketSpec spec) => 10_000 / spec.RiskTerms.Tiers[0].InitialBps;

    /// <summary>The margin tiers in Binance's form: the cap of the last is the market's largest possible notional.</summary>
    private static BinanceLeverageBrackets Brackets(MarketSpec spec)
    {
        var tiers = spec.RiskTerms.Tiers;
        var maxNotional = (decimal)spec.MaxPrice * spec.MaxSize * spec.TickSize * spec.LotSize;
        var brackets = new BinanceBracket[tiers.Length];
        var cum = 0m;
        for (var i = 0; i < tiers.Length; i++)
        {
            var floor = tiers[i].NotionalFloor / (decimal)MarketSpec.MinorUnitsPerQuoteUnit;
            // Binance's "cum" is the maintenance deduction that makes notional x rate - cum equal the marginal sum.
            if (i > 0) cum += floor * (tiers[i].MaintenanceBps - tiers[i - 1].MaintenanceBps) / 10_000m;
            var cap = i + 1 < tiers.Length ? tiers[i + 1].NotionalFloor / (decimal)MarketSpec.MinorUnitsPerQuoteUnit : Math.Max(maxNotional, floor);
            brackets[i] = new BinanceBracket(i + 1, Math.Max(1, 10_000 / tiers[i].InitialBps), cap, floor,
                DecimalText.Format(tiers[i].MaintenanceBps / 10_000m), DecimalText.Format(cum));
        }
        return new BinanceLeverageBrackets(BinanceSymbols.Of(spec.Symbol)!, 1, brackets);
    }

    private static async Task<IResult> LeverageBrackets(HttpContext context, MarketDirectory markets)
    {
        var symbol = BinanceParameters.Of(context).Text("symbol");
        var answer = (await BinanceSymbols.OneOrAll(markets, symbol)).Select(Brackets).ToArray();
        return symbol is null ? BinanceMarketData.Json(answer) : BinanceMarketData.Json(answer[0]);
    }

    private static async Task<IResult> Leverage(HttpContext context, MarketDirectory markets)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var leverage = (int)query.Whole("leverage", 0, 0, 125);
        if (query.Text("leverage") is null) throw new BinanceException(BinanceErrors.Mandatory("leverage"));
        var brackets = Brackets(spec).Brackets;
        if (leverage < 1 || leverage > brackets[0].InitialLeverage)
            return new BinanceError(StatusCodes.Status400BadRequest, -4028,
                $"Leverage {leverage} is not valid: from 1 to {brackets[0].InitialLeverage} (margin follows the market's tier schedule).").ToResult();
        var cap = brackets.Last(b => b.InitialLeverage >= leverage).NotionalCap;
        return BinanceMarketData.Json(new BinanceLeverage(leverage, DecimalText.Format(cap), BinanceSymbols.Of(spec.Symbol)!));
    }
}
