using Exchange.Client.Contracts;
using Exchange.Client.Hosting;
using Exchange.Client.Input;
using Exchange.Client.Markets;
using Exchange.Client.Security;
using Exchange.Matching;

namespace Exchange.Client.Endpoints;

/// <summary>Market data anyone may read: markets, books, trades, tickers, and the server's clock (for signing).</summary>
public static class PublicEndpoints
{
    public const int DefaultDepth = 50, MaxDepth = 1000, DefaultTrades = 100, MaxTrades = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Public").WithMetadata(new EndpointAccess(Access.Public))
            .RequireRateLimiting(RateLimits.Public);
        api.MapGet("/time", Time).WithSummary("The server's clock, in Unix milliseconds (sign requests against it)");
        api.MapGet("/markets", Markets).WithSummary("Every market's spec and current mode");
        api.MapGet("/markets/{symbol}", Market).WithSummary("One market's spec and current mode");
        api.MapGet("/markets/{symbol}/book", Book).WithSummary("The order book, aggregated by price, best first");
        api.MapGet("/markets/{symbol}/trades", Trades).WithSummary("Recent trades, newest first");
        api.MapGet("/markets/{symbol}/ticker", Ticker).WithSummary("Best bid and ask, last trade, mark and index price");
        BreakerEndpoints.MapPublic(api);
        LiquidationEndpoints.MapPublic(api);
    }

    private static TimeResponse Time(HttpContext context, TimeProvider clock)
    {
        _ = new QueryReader(context.Request);
        return new TimeResponse(clock.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private static async Task<MarketResponse[]> Markets(HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var specs = await markets.All();
        var statuses = await Task.WhenAll(specs.Select(s => markets.Market(s).GetSummary()));
        return [.. specs.Zip(statuses, (spec, status) => ApiMapping.Market(spec, status))];
    }

    private static async Task<MarketResponse> Market(string symbol, HttpContext context, MarketDirectory markets)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var market = markets.Market(spec);
        var summary = await market.GetSummary();
        var response = ApiMapping.Market(spec, summary);
        // Only a paused market has an indicative price; only then is the crossed part of its book read.
        if (summary.Mode != MarketMode.Auction) return response;
        var indicative = (await market.GetBreaker()).Indicative;
        return response with { IndicativePrice = indicative is { } i ? Units.Price(spec, i.Price) : null };
    }

    private static async Task<BookResponse> Book(string symbol, HttpContext context, MarketDirectory markets)
    {
        var depth = new QueryReader(context.Request, "depth").WholeNumber("depth", DefaultDepth, 1, MaxDepth);
        var spec = await markets.Get(symbol);
        return ApiMapping.Book(spec, await markets.Market(spec).GetBook(depth));
    }

    private static async Task<TradeResponse[]> Trades(string symbol, HttpContext context, MarketDirectory markets)
    {
        var limit = new QueryReader(context.Request, "limit").WholeNumber("limit", DefaultTrades, 1, MaxTrades);
        var spec = await markets.Get(symbol);
        return [.. (await markets.Market(spec).GetRecentTrades(limit)).Select(t => ApiMapping.Trade(spec, t))];
    }

    private static async Task<TickerResponse> Ticker(string symbol, HttpContext context, MarketDirectory markets, TimeProvider clock)
    {
        _ = new QueryReader(context.Request);
        var spec = await markets.Get(symbol);
        var market = markets.Market(spec);
        var book = await market.GetBook(1);
        var last = await market.GetRecentTrades(1);
        var mark = await market.GetMarkPrice();
        var summary = await market.GetSummary();
        var terms = summary.Terms ?? MarketTerms.Initial(spec);
        var bid = book.Bids.FirstOrDefault();
        var ask = book.Asks.FirstOrDefault();
        var funding = FundingView.Of(terms, mark, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return new TickerResponse(spec.Symbol, Vocabulary.Of(book.Mode), book.Sequence,
            book.Bids.Length == 0 ? null : Units.Price(spec, bid.Price), book.Bids.Length == 0 ? null : Units.Size(spec, bid.Size),
            book.Asks.Length == 0 ? null : Units.Price(spec, ask.Price), book.Asks.Length == 0 ? null : Units.Size(spec, ask.Size),
            last.Length == 0 ? null : Units.Price(spec, last[0].Price), last.Length == 0 ? null : Units.Size(spec, last[0].Size),
            mark == 0 ? null : Units.Price(spec, mark), last.Length == 0 ? null : ApiMapping.Millis(last[0].Timestamp),
            spec.Index?.Index, ApiMapping.IndexPrice(spec, terms), ApiMapping.IndexStatus(spec, terms), ApiMapping.Multiplier(terms),
            Vocabulary.Of(terms.ModeCause.Actor), terms.ModeCause.Reason, funding.LastRate, funding.LastTime, funding.PredictedRate, funding.NextTime,
            Units.Size(spec, summary.OpenInterest), ApiMapping.MaxOpenInterest(spec, terms), ApiMapping.MaxPositionSize(spec, terms));
    }
}
