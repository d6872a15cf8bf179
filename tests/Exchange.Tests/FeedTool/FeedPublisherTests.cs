using System.Net;
using System.Text;
using Exchange.Client.Security;
using Exchange.PriceFeeds;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.FeedTool;

public sealed class FeedPublisherTests
{
    private static readonly FeedCredentials Feed = new("BTC-USD", "sim-1", "BTC-USD.sim-1", "key-1", "secret-1");
    private const string Accepted = """{"results":[{"status":"accepted"}]}""";

    private static string Header(HttpRequestMessage request, string name) => request.Headers.GetValues(name).Single();

    [Fact]
    public async Task A_price_is_posted_as_an_exact_string_signed_as_the_gateway_verifies()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var gateway = new RecordingHandler((HttpStatusCode.OK, Accepted));
        using var http = gateway.Client();

        var result = await new FeedPublisher(http, Feed, clock).PublishAsync(6_400_050_000_000, CancellationToken.None);

        Assert.True(result.Accepted);
        var (request, body) = Assert.Single(gateway.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://127.0.0.1:5999/api/v1/feeds/prices", request.RequestUri!.ToString());
        Assert.Equal("""{"index":"BTC-USD","price":"64000.5","timestamp":1700000000000}""", Encoding.UTF8.GetString(body));
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("key-1", Header(request, "X-API-KEY"));
        Assert.Equal("1700000000000", Header(request, "X-TIMESTAMP"));
        Assert.True(RequestSignature.Matches(Encoding.UTF8.GetBytes("secret-1"), "1700000000000", "POST", "/api/v1/feeds/prices", body,
            Header(request, "X-SIGNATURE")));
        Assert.Equal(RequestSignature.Compute("secret-1", "1700000000000", "POST", "/api/v1/feeds/prices", body), Header(request, "X-SIGNATURE"));
    }

    [Fact]
    public void A_batch_uses_the_prices_form()
    {
        var body = FeedPublisher.Body("ETH-USD", [new PricePoint(1, 350_012_345_678), new PricePoint(2, 100_000_000)]);
        Assert.Equal("""{"prices":[{"index":"ETH-USD","price":"3500.12345678","timestamp":1},{"index":"ETH-USD","price":"1","timestamp":2}]}""",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Timestamps_strictly_increase_even_when_the_clock_stands_still()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var gateway = new RecordingHandler((HttpStatusCode.OK, Accepted));
        using var http = gateway.Client();
        var publisher = new FeedPublisher(http, Feed, clock);

        for (var i = 0; i < 3; i++) await publisher.PublishAsync(100, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        await publisher.PublishAsync(100, CancellationToken.None);

        var stamps = gateway.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("timestamp").GetInt64());
        Assert.Equal([1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002, 1_700_000_001_000], stamps);
    }

    [Fact]
    public void Results_are_read_per_price()
    {
        var results = FeedPublisher.Read(HttpStatusCode.OK,
            """{"results":[{"status":"accepted"},{"status":"refused","code":"TIMESTAMP_NOT_AFTER_LAST","message":"old"}]}""", 2);
        Assert.Equal([PriceResult.Ok, new PriceResult(false, "TIMESTAMP_NOT_AFTER_LAST", "old")], results);
    }

    [Fact]
    public void A_refused_single_price_or_a_failed_request_refuses_with_its_code()
    {
        Assert.Equal([new PriceResult(false, "INVALID_PRICE", "bad")],
            FeedPublisher.Read(HttpStatusCode.BadRequest, """{"code":"INVALID_PRICE","message":"bad"}""", 1));
        Assert.Equal([new PriceResult(false, "HTTP_503", null), new PriceResult(false, "HTTP_503", null)],
            FeedPublisher.Read(HttpStatusCode.ServiceUnavailable, "", 2));
        Assert.Equal("UNEXPECTED_ANSWER", FeedPublisher.Read(HttpStatusCode.OK, "{}", 1)[0].Code);
    }
}
