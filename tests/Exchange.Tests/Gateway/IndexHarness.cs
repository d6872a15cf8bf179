namespace Exchange.Tests.Gateway;

/// <summary>Indices and feeds through the admin API, and feeds that publish signed with their own keys.</summary>
internal static class IndexHarness
{
    /// <summary>A fresh index name (A-Z, 0-9, '-'), so tests sharing a cluster never meet.</summary>
    public static string NewName(string prefix = "IX") => $"{prefix}-{Guid.NewGuid():N}"[..14].ToUpperInvariant();

    /// <summary>Creates the index; a long staleness so that no feed goes stale while a test runs.</summary>
    public static async Task<string> NewIndex(this GatewayHarness gateway, int minFeeds = 2, long staleAfterMs = 600_000, string? name = null)
    {
        name ??= NewName();
        var configured = await Api.Send(gateway.Admin, HttpMethod.Post, "/admin/v1/indices",
            Api.Json(new { index = name, minFeeds, staleAfterMs, maxDeviationBps = 200 }));
        Assert.True(configured.Status == 200, configured.ToString());
        return name;
    }

    /// <summary>Registers a feed and returns a client signing with its key (account id 0: it acts for no account).</summary>
    public static async Task<Feed> NewFeed(this GatewayHarness gateway, string index, string name)
    {
        var added = await Api.Send(gateway.Admin, HttpMethod.Post, $"/admin/v1/indices/{index}/feeds", Api.Json(new { name }));
        Assert.True(added.Status == 200, added.ToString());
        Assert.Equal($"{index}.{name}", added.String("feedId"));
        return new Feed(gateway.As(0, added.String("apiKey"), added.String("apiSecret")), index);
    }

    public static Task<Api.Response> Index(this GatewayHarness gateway, string index) =>
        Api.Send(gateway.Anonymous, HttpMethod.Get, $"/api/v1/indices/{index}");

    /// <summary>A market (tick 0.5) following the index.</summary>
    public static async Task<string> NewIndexedMarket(this GatewayHarness gateway, string index)
    {
        var symbol = $"IM-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var created = await Api.Send(gateway.Admin, HttpMethod.Post, "/admin/v1/markets", Api.Json(new
        {
            symbol, tickSize = "0.5", lotSize = "0.001", maxPrice = "1000000", maxSize = "1000", marketProtection = "50",
            index = new { index, reopenAfterMs = 1000, auctionMs = 1000, mark = new { bandBps = 50, basisLambdaPpm = 900000 } },
        }));
        Assert.True(created.Status == 201, created.ToString());
        return symbol;
    }
}

/// <summary>A feed's client: its key signs; its prices carry increasing timestamps near the real clock (the oracle's).</summary>
internal sealed class Feed(Trader key, string index)
{
    private long _lastTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 30_000;

    public Trader Key { get; } = key;

    public string Index { get; } = index;

    /// <summary>A timestamp after every one this feed sent before, and not ahead of the real clock.</summary>
    public long NextTimestamp() => _lastTimestamp = Math.Max(_lastTimestamp + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000);

    public Task<Api.Response> Publish(string price, long? timestamp = null, string? index = null) =>
        Key.Post("/api/v1/feeds/prices", new { index = index ?? Index, price, timestamp = timestamp ?? NextTimestamp() });

    public Task<Api.Response> PublishRaw(string body) => Key.Send(HttpMethod.Post, "/api/v1/feeds/prices", body);
}
