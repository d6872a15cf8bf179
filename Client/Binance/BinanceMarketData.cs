using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Binance;

/// <summary>
/// Binance USDⓈ-M market data: exchange info, time, depth, trades, klines, 24-hour tickers, book tickers and the
/// premium index. Trades, klines and tickers are computed from the trades each market keeps in memory (the latest
/// <c>Exchange:Markets:RecentTrades</c>, 1,000 by default): a window further back than those is empty. There is no
/// funding yet, so funding rates are 0; a market that follows no index (or has no tick yet) shows its mark as the index price.
/// </summary>
public static class BinanceMarketData
{
    public const int MaxTrades = 1000, MaxKlines = 1500;

    public static void Map(RouteGroupBuilder fapi)
    {
        Public(fapi.MapGet("/v1/ping", () => Results.Json(new { }, BinanceJson.Options)));
        Public(fapi.MapGet("/v1/time", (TimeProvider clock) => Json(new BinanceTime(clock.GetUtcNow().ToUnixTimeMilliseconds()))));
        Public(fapi.MapGet("/v1/exchangeInfo", ExchangeInfo));
        Public(fapi.MapGet("/v1/depth", Depth), "symbol", "limit");
        Public(fapi.MapGet("/v1/trades", Trades), "symbol", "limit");
        Public(fapi.MapGet("/v1/aggTrades", AggTrades), "symbol", "fromId", "startTime", "endTime", "limit");
        Public(fapi.MapGet("/v1/klines", Klines), "symbol", "interval", "startTime", "endTime", "limit");
        Public(fapi.MapGet("/v1/ticker/24hr", Ticker), "symbol");
        Public(fapi.MapGet("/v1/ticker/bookTicker", BookTicker), "symbol");
        Public(fapi.MapGet("/v1/premiumIndex", PremiumIndex), "symbol");
        Public(fapi.MapGet("/v1/openInterest", OpenInterest), "symbol");
        Public(fapi.MapGet("/v1/fundingRate", (HttpContext _) => Json(Array.Empty<object>())), "symbol", "startTime", "endTime", "limit");
    }

    private static void Public(RouteHandlerBuilder endpoint, params string[] parameters) =>
        endpoint.WithMetadata(new BinanceEndpoint(RequiresSignature: false, parameters)).RequireRateLimiting(BinanceRateLimitPolicy.Public);

    internal static IResult Json<T>(T value) => Results.Json(value, BinanceJson.Options);

    private static async Task<IResult> ExchangeInfo(MarketDirectory markets, TimeProvider clock)
    {
        var specs = await BinanceSymbols.OneOrAll(markets, null);
        var summaries = await Task.WhenAll(specs.Select(s => markets.Market(s).GetSummary()));
        var symbols = specs.Zip(summaries, (spec, summary) => Symbol(spec, summary.Mode)).ToArray();
        return Json(new BinanceExchangeInfo("UTC", clock.GetUtcNow().ToUnixTimeMilliseconds(), "U_MARGINED", [], [],
            [new BinanceAsset(BinanceSymbols.Quote, true, "0")], symbols));
    }

    private static BinanceSymbol Symbol(MarketSpec spec, MarketMode mode)
    {
        var first = spec.RiskTerms.Tiers[0];
        var minPrice = spec.MinPrice * spec.TickSize;
        var minQty = spec.MinSize * spec.LotSize;
        var filters = new[]
        {
            new Dictionary<string, object> { ["filterType"] = "PRICE_FILTER", ["minPrice"] = Units.Price(spec, spec.MinPrice),
                ["maxPrice"] = Units.Price(spec, spec.MaxPrice), ["tickSize"] = DecimalText.Format(spec.TickSize) },
            new Dictionary<string, object> { ["filterType"] = "LOT_SIZE", ["minQty"] = Units.Size(spec, spec.MinSize),
                ["maxQty"] = Units.Size(spec, spec.MaxSize), ["stepSize"] = DecimalText.Format(spec.LotSize) },
            new Dictionary<string, object> { ["filterType"] = "MARKET_LOT_SIZE", ["minQty"] = Units.Size(spec, spec.MinSize),
                ["maxQty"] = Units.Size(spec, spec.MaxSize), ["stepSize"] = DecimalText.Format(spec.LotSize) },
            // No separate notional rule here: the smallest order the price and size limits allow.
            new Dictionary<string, object> { ["filterType"] = "MIN_NOTIONAL", ["notional"] = DecimalText.Format(minPrice * minQty) },
        };
        var baseAsset = BinanceSymbols.Base(spec.Symbol)!;
        return new BinanceSymbol(BinanceSymbols.Of(spec.Symbol)!, BinanceSymbols.Of(spec.Symbol)!, "PERPETUAL", 4133404800000, 0,
            Status(mode), Percent(first.MaintenanceBps), Percent(first.InitialBps), baseAsset, BinanceSymbols.Quote, BinanceSymbols.Quote,
            Decimals(spec.TickSize), Decimals(spec.LotSize), 8, 8, "COIN", filters,
            ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"], ["GTC", "IOC", "FOK", "GTX"]);
    }

    /// <summary>Open and post-only markets trade; an auction is about to; cancel-only and halted markets are in a break.</summary>
    private static string Status(MarketMode mode) => mode switch
    {
        MarketMode.Open or MarketMode.PostOnly => "TRADING",
        MarketMode.Auction => "PENDING_TRADING",
        _ => "BREAK",
    };

    private static string Percent(int bps) => DecimalText.Format(bps / 100m);

    private static int Decimals(decimal step) => (decimal.GetBits(step)[3] >> 16) & 0xFF;

    private static async Task<IResult> Depth(HttpContext context, MarketDirectory markets, TimeProvider clock)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var limit = (int)query.Whole("limit", 500, 1, 1000);
        var book = await markets.Market(spec).GetBook(limit);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return Json(new BinanceDepth(book.Sequence, now, now, Levels(spec, book.Bids), Levels(spec, book.Asks)));
    }

    private static string[][] Levels(MarketSpec spec, PriceLevel[] levels) =>
        [.. levels.Select(l => new[] { Units.Price(spec, l.Price), Units.Size(spec, l.Size) })];

    /// <summary>The trades the market keeps, oldest first.</summary>
    private static async Task<PublicTrade[]> Recent(MarketDirectory markets, MarketSpec spec) =>
        [.. (await markets.Market(spec).GetRecentTrades(int.MaxValue)).Reverse()];

    private static async Task<IResult> Trades(HttpContext context, MarketDirectory markets)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var limit = (int)query.Whole("limit", 500, 1, MaxTrades);
        var trades = await Recent(markets, spec);
        return Json(trades.TakeLast(limit).Select(t => new BinanceTrade(t.Sequence, Units.Price(spec, t.Price),
            Units.Size(spec, t.Size), Quote(spec, (Int128)t.Price * t.Size), t.Timestamp / 1000, t.TakerSide == Side.Sell)).ToArray());
    }

    private static async Task<IResult> AggTrades(HttpContext context, MarketDirectory markets)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        var limit = (int)query.Whole("limit", 500, 1, MaxTrades);
        var fromId = query.OptionalWhole("fromId", 0, long.MaxValue);
        var (start, end) = (query.Micros("startTime"), query.Micros("endTime"));
        var trades = (await Recent(markets, spec)).Where(t => (fromId is null || t.Sequence >= fromId)
            && (start is null || t.Timestamp >= start) && (end is null || t.Timestamp <= end + 999));
        // Each trade is its own aggregate: a taker's fills at one price are separate trades here.
        var selected = fromId is null && start is null ? trades.TakeLast(limit) : trades.Take(limit);
        return Json(selected.Select(t => new BinanceAggTrade(t.Sequence, Units.Price(spec, t.Price), Units.Size(spec, t.Size),
            t.Sequence, t.Sequence, t.Timestamp / 1000, t.TakerSide == Side.Sell)).ToArray());
    }

    private static readonly Dictionary<string, long> Intervals = new(StringComparer.Ordinal)
    {
        ["1m"] = 60_000, ["3m"] = 180_000, ["5m"] = 300_000, ["15m"] = 900_000, ["30m"] = 1_800_000, ["1h"] = 3_600_000,
        ["2h"] = 7_200_000, ["4h"] = 14_400_000, ["6h"] = 21_600_000, ["8h"] = 28_800_000, ["12h"] = 43_200_000,
        ["1d"] = 86_400_000, ["3d"] = 259_200_000, ["1w"] = 604_800_000,
    };

    /// <summary>Candles of the intervals that hold at least one of the trades kept in memory (empty intervals are left out).</summary>
    private static async Task<IResult> Klines(HttpContext context, MarketDirectory markets)
    {
        var query = BinanceParameters.Of(context);
        var spec = await BinanceSymbols.Market(markets, query.Required("symbol"));
        if (!Intervals.TryGetValue(query.Required("interval"), out var interval))
            throw new BinanceException(new(StatusCodes.Status400BadRequest, -1120, "Invalid interval."));
        var limit = (int)query.Whole("limit", 500, 1, MaxKlines);
        var (start, end) = (query.OptionalWhole("startTime", 0, long.MaxValue), query.OptionalWhole("endTime", 0, long.MaxValue));
        var candles = (await Recent(markets, spec))
            .GroupBy(t => t.Timestamp / 1000 / interval * interval)
            .Where(g => (start is null || g.Key + interval > start) && (end is null || g.Key <= end))
            .Select(g => Candle(spec, g.Key, interval, [.. g]));
        return Json((start is null ? candles.TakeLast(limit) : candles.Take(limit)).ToArray());
    }

    private static object[] Candle(MarketSpec spec, long openTime, long interval, PublicTrade[] trades)
    {
        var buys = trades.Where(t => t.TakerSide == Side.Buy).ToArray();
        return
        [
            openTime, Units.Price(spec, trades[0].Price), Units.Price(spec, trades.Max(t => t.Price)),
            Units.Price(spec, trades.Min(t => t.Price)), Units.Price(spec, trades[^1].Price), Units.Size(spec, trades.Sum(t => t.Size)),
            openTime + interval - 1, Quote(spec, Notional(trades)), trades.Length, Units.Size(spec, buys.Sum(t => t.Size)),
            Quote(spec, Notional(buys)), "0",
        ];
    }

    private static Int128 Notional(IEnumerable<PublicTrade> trades) => trades.Aggregate(Int128.Zero, (sum, t) => sum + (Int128)t.Price * t.Size);

    /// <summary>Tick-lots in quote currency: exact, as a decimal.</summary>
    internal static string Quote(MarketSpec spec, Int128 tickLots) => DecimalText.Format((decimal)tickLots * spec.TickSize * spec.LotSize);

    private static async Task<IResult> Ticker(HttpContext context, MarketDirectory markets, TimeProvider clock)
    {
        var symbol = BinanceParameters.Of(context).Text("symbol");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var tickers = new List<BinanceTicker>();
        foreach (var spec in await BinanceSymbols.OneOrAll(markets, symbol))
            tickers.Add(DayTicker(spec, (await Recent(markets, spec)).Where(t => t.Timestamp / 1000 > now - 86_400_000).ToArray(), now));
        return symbol is null ? Json(tickers.ToArray()) : Json(tickers[0]);
    }

    private static BinanceTicker DayTicker(MarketSpec spec, PublicTrade[] trades, long now)
    {
        var name = BinanceSymbols.Of(spec.Symbol)!;
        if (trades.Length == 0) return new BinanceTicker(name, "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", now - 86_400_000, now, -1, -1, 0);
        var (open, last) = (trades[0], trades[^1]);
        var volume = trades.Sum(t => t.Size);
        var notional = Notional(trades);
        var change = (last.Price - open.Price) * spec.TickSize;
        return new BinanceTicker(name, DecimalText.Format(change),
            DecimalText.Format(decimal.Round(change * 100 / (open.Price * spec.TickSize), 3)),
            DecimalText.Format(decimal.Round((decimal)notional / volume * spec.TickSize, 10)), Units.Price(spec, last.Price),
            Units.Size(spec, last.Size), Units.Price(spec, open.Price), Units.Price(spec, trades.Max(t => t.Price)),
            Units.Price(spec, trades.Min(t => t.Price)), Units.Size(spec, volume), Quote(spec, notional), open.Timestamp / 1000, now,
            open.Sequence, last.Sequence, trades.Length);
    }

    private static async Task<IResult> BookTicker(HttpContext context, MarketDirectory markets, TimeProvider clock)
    {
        var symbol = BinanceParameters.Of(context).Text("symbol");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var tickers = new List<BinanceBookTicker>();
        foreach (var spec in await BinanceSymbols.OneOrAll(markets, symbol))
        {
            var book = await markets.Market(spec).GetBook(1);
            string Price(PriceLevel[] side) => side.Length == 0 ? "0" : Units.Price(spec, side[0].Price);
            string Size(PriceLevel[] side) => side.Length == 0 ? "0" : Units.Size(spec, side[0].Size);
            tickers.Add(new BinanceBookTicker(BinanceSymbols.Of(spec.Symbol)!, Price(book.Bids), Size(book.Bids), Price(book.Asks),
                Size(book.Asks), book.Sequence, now));
        }
        return symbol is null ? Json(tickers.ToArray()) : Json(tickers[0]);
    }

    /// <summary>The market's open interest in base units (CCXT's fetchOpenInterest reads this endpoint).</summary>
    private static async Task<IResult> OpenInterest(HttpContext context, MarketDirectory markets, TimeProvider clock)
    {
        var spec = await BinanceSymbols.Market(markets, BinanceParameters.Of(context).Required("symbol"));
        var summary = await markets.Market(spec).GetSummary();
        return Json(new BinanceOpenInterest(Units.Size(spec, summary.OpenInterest), BinanceSymbols.Of(spec.Symbol)!,
            clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static async Task<IResult> PremiumIndex(HttpContext context, MarketDirectory markets, TimeProvider clock)
    {
        var symbol = BinanceParameters.Of(context).Text("symbol");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var answers = new List<BinancePremiumIndex>();
        foreach (var spec in await BinanceSymbols.OneOrAll(markets, symbol))
        {
            var mark = await markets.Market(spec).GetMarkPrice();
            var terms = (await markets.Market(spec).GetSummary()).Terms ?? MarketTerms.Initial(spec);
            var price = mark == 0 ? "0" : Units.Price(spec, mark);
            // A market without an index (or before its first tick) has only its mark to show as the index.
            var index = Contracts.ApiMapping.IndexPrice(spec, terms) ?? price;
            var funding = Markets.FundingView.Of(terms, mark, now);
            answers.Add(new BinancePremiumIndex(BinanceSymbols.Of(spec.Symbol)!, price, index, price, funding.LastRate ?? funding.PredictedRate,
                Markets.FundingView.Rate(Risk.FundingRate.InterestPpmPerEightHours), funding.NextTime, now,
                Contracts.ApiMapping.IndexStatus(spec, terms), Contracts.ApiMapping.Multiplier(terms), Vocabulary.Of(terms.ModeCause.Actor),
                terms.ModeCause.Reason));
        }
        return symbol is null ? Json(answers.ToArray()) : Json(answers[0]);
    }
}
