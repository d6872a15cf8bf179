using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Exchange.LoadGenerator;

/// <summary>A market's units, read from the public API, and the mid the generated orders quote around.</summary>
internal sealed record Market(string Symbol, decimal TickSize, decimal LotSize, long MidTicks);

/// <summary>Creates and funds the accounts through the admin API, and reads the markets, before any load.</summary>
internal static class Setup
{
    private const int Parallelism = 16;

    public static async Task<Market[]> ReadMarketsAsync(HttpClient http, LoadOptions options, CancellationToken cancellationToken)
    {
        var markets = new List<Market>();
        foreach (var symbol in options.Symbols)
        {
            var spec = await ReadAsync(await http.GetAsync($"/api/v1/markets/{symbol}", cancellationToken), cancellationToken);
            var tick = Decimal(spec, "tickSize");
            var book = await ReadAsync(await http.GetAsync($"/api/v1/markets/{symbol}/book?depth=1", cancellationToken), cancellationToken);
            // Quote around the current book when there is one, else around a round price far from the spec's bounds.
            var mid = BestPrice(book, "bids") is { } bid && BestPrice(book, "asks") is { } ask ? (bid + ask) / 2
                : symbol.StartsWith("ETH", StringComparison.Ordinal) ? 3_500m : 65_000m;
            markets.Add(new Market(symbol, tick, Decimal(spec, "lotSize"), (long)(mid / tick)));
        }
        return [.. markets];
    }

    public static async Task<TradingAccount[]> CreateAccountsAsync(HttpClient http, LoadOptions options, Market[] markets,
        CancellationToken cancellationToken)
    {
        var accounts = new TradingAccount[options.Accounts];
        await Parallel.ForAsync(0, options.Accounts,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => accounts[i] = await CreateAsync(http, options, markets, ct));
        return accounts;
    }

    private static async Task<TradingAccount> CreateAsync(HttpClient http, LoadOptions options, Market[] markets, CancellationToken ct)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/accounts") { Content = JsonContent.Create(new { label = "load" }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminToken);
        var account = await ReadAsync(await http.SendAsync(create, ct), ct);
        var id = account.GetProperty("accountId").GetInt64();
        using var deposit = new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/accounts/{id}/deposits")
        {
            Content = JsonContent.Create(new { amount = options.Deposit, transferId = $"load-{id}" }),
        };
        deposit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminToken);
        await ReadAsync(await http.SendAsync(deposit, ct), ct);
        var signer = new RequestSigner(account.GetProperty("apiKey").GetString()!, account.GetProperty("apiSecret").GetString()!);
        return new TradingAccount(id, signer, markets.Length);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static decimal Decimal(JsonElement element, string name) =>
        decimal.Parse(element.GetProperty(name).GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static decimal? BestPrice(JsonElement book, string side) =>
        book.GetProperty(side) is { ValueKind: JsonValueKind.Array } levels && levels.GetArrayLength() > 0
            ? decimal.Parse(levels[0][0].GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture)
            : null;
}
