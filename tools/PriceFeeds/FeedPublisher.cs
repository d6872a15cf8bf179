using System.Net;
using System.Text.Json;

namespace Exchange.PriceFeeds;

/// <summary>What the gateway said of one price: accepted, or refused with its code and message.</summary>
public readonly record struct PriceResult(bool Accepted, string? Code = null, string? Message = null)
{
    public static PriceResult Ok { get; } = new(true);
}

/// <summary>
/// One feed's signed publishing: <c>POST /api/v1/feeds/prices</c> with <c>{"index","price","timestamp"}</c>, or
/// <c>{"prices":[...]}</c> for up to <see cref="MaxBatch"/>. Prices go as exact decimal strings; timestamps are the
/// feed's clock in Unix ms, made strictly increasing, as the oracle requires of a feed. It talks only to the
/// <see cref="HttpClient"/>'s base address.
/// </summary>
public sealed class FeedPublisher(HttpClient http, FeedCredentials feed, TimeProvider clock)
{
    public const string Path = "/api/v1/feeds/prices";
    public const int MaxBatch = 100;

    private readonly FeedSigner _signer = new(feed.ApiKey, feed.ApiSecret, clock);
    private long _lastTimestamp;

    public FeedCredentials Feed { get; } = feed;

    /// <summary>The last timestamp handed out (0: none yet).</summary>
    public long LastTimestamp => _lastTimestamp;

    /// <summary>Now in Unix ms, or one past the last stamp if the clock has not moved on (never earlier than the last).</summary>
    public long NextTimestamp()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _lastTimestamp = Math.Max(now, _lastTimestamp + 1);
        return _lastTimestamp;
    }

    /// <summary>Publishes one price stamped now.</summary>
    public async Task<PriceResult> PublishAsync(long price, CancellationToken cancellationToken) =>
        (await PublishAsync([new PricePoint(NextTimestamp(), price)], cancellationToken))[0];

    /// <summary>Publishes prices with their own timestamps (in order); one result per price.</summary>
    public async Task<PriceResult[]> PublishAsync(IReadOnlyList<PricePoint> prices, CancellationToken cancellationToken)
    {
        if (prices.Count is 0 or > MaxBatch) throw new ArgumentOutOfRangeException(nameof(prices), $"1 to {MaxBatch} prices at a time");
        using var request = _signer.Sign(HttpMethod.Post, Path, Body(Feed.Index, prices));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return Read(response.StatusCode, text, prices.Count);
    }

    /// <summary>The request body: the single form for one price, the batch form for more.</summary>
    public static byte[] Body(string index, IReadOnlyList<PricePoint> prices)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (prices.Count == 1)
            {
                Write(json, index, prices[0]);
            }
            else
            {
                json.WriteStartObject();
                json.WriteStartArray("prices");
                foreach (var price in prices) Write(json, index, price);
                json.WriteEndArray();
                json.WriteEndObject();
            }
        }
        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter json, string index, PricePoint price)
    {
        json.WriteStartObject();
        json.WriteString("index", index);
        json.WriteString("price", PriceUnits.Format(price.Price));
        json.WriteNumber("timestamp", price.TimestampMs);
        json.WriteEndObject();
    }

    /// <summary>
    /// 200: the results, one per price. Any other answer refuses every price of the request with the error's code
    /// (a single refused price is a 400 with its code), or HTTP_status when the answer has none.
    /// </summary>
    public static PriceResult[] Read(HttpStatusCode status, string text, int count)
    {
        JsonElement root = default;
        try
        {
            if (text.Length > 0) root = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
        }
        if (status == HttpStatusCode.OK && root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array && results.GetArrayLength() == count)
        {
            return [.. results.EnumerateArray().Select(r => Text(r, "status") == "accepted" ? PriceResult.Ok
                : new PriceResult(false, Text(r, "code") ?? "REFUSED", Text(r, "message")))];
        }
        var refused = status == HttpStatusCode.OK
            ? new PriceResult(false, "UNEXPECTED_ANSWER", text.Length > 200 ? text[..200] : text)
            : new PriceResult(false, Text(root, "code") ?? $"HTTP_{(int)status}", Text(root, "message"));
        return Enumerable.Repeat(refused, count).ToArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
}
