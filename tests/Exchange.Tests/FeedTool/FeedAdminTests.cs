using System.Net;
using System.Text;
using Exchange.PriceFeeds;

namespace Exchange.Tests.FeedTool;

public sealed class FeedAdminTests : IDisposable
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"feed-keys-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_keyFile);

    private static string Registered(string name) =>
        $$"""{"feedId":"BTC-USD.{{name}}","apiKey":"key-{{name}}","apiSecret":"secret-{{name}}"}""";

    [Fact]
    public async Task Configures_the_index_then_registers_each_feed_with_the_admin_token()
    {
        var gateway = new RecordingHandler((HttpStatusCode.OK, "{}"), (HttpStatusCode.OK, Registered("sim-1")), (HttpStatusCode.OK, Registered("sim-2")));
        using var http = gateway.Client();

        var feeds = await new FeedAdmin(http, "admin-token").EnsureFeedsAsync("BTC-USD", new IndexPolicyTerms(2, 5000, 200), ["sim-1", "sim-2"],
            _keyFile, CancellationToken.None);

        Assert.Equal([new FeedCredentials("BTC-USD", "sim-1", "BTC-USD.sim-1", "key-sim-1", "secret-sim-1"),
            new FeedCredentials("BTC-USD", "sim-2", "BTC-USD.sim-2", "key-sim-2", "secret-sim-2")], feeds);
        Assert.All(gateway.Requests, r => Assert.Equal("Bearer admin-token", r.Request.Headers.Authorization!.ToString()));
        Assert.Equal(["/admin/v1/indices", "/admin/v1/indices/BTC-USD/feeds", "/admin/v1/indices/BTC-USD/feeds"],
            gateway.Requests.Select(r => r.Request.RequestUri!.AbsolutePath));
        Assert.Equal("""{"index":"BTC-USD","minFeeds":2,"staleAfterMs":5000,"maxDeviationBps":200}""", Encoding.UTF8.GetString(gateway.Requests[0].Body));
        Assert.Equal("""{"name":"sim-1"}""", Encoding.UTF8.GetString(gateway.Requests[1].Body));
        Assert.Equal(feeds, FeedKeyFile.Load(_keyFile));
    }

    [Fact]
    public async Task A_name_already_registered_uses_the_kept_keys_and_new_keys_replace_old_ones()
    {
        FeedKeyFile.Save(_keyFile, [new FeedCredentials("BTC-USD", "sim-1", "BTC-USD.sim-1", "old-1", "old-secret-1"),
            new FeedCredentials("BTC-USD", "sim-2", "BTC-USD.sim-2", "old-2", "old-secret-2")]);
        var gateway = new RecordingHandler((HttpStatusCode.OK, "{}"), (HttpStatusCode.Conflict, """{"code":"FEED_EXISTS"}"""),
            (HttpStatusCode.OK, Registered("sim-2")));
        using var http = gateway.Client();

        var feeds = await new FeedAdmin(http, "t").EnsureFeedsAsync("BTC-USD", new IndexPolicyTerms(), ["sim-1", "sim-2"], _keyFile, CancellationToken.None);

        Assert.Equal(["old-1", "key-sim-2"], feeds.Select(f => f.ApiKey));
        Assert.Equal(["old-1", "key-sim-2"], FeedKeyFile.Load(_keyFile).OrderBy(f => f.Name).Select(f => f.ApiKey));
    }

    [Fact]
    public async Task A_name_taken_without_kept_keys_is_an_error_that_says_so()
    {
        var gateway = new RecordingHandler((HttpStatusCode.OK, "{}"), (HttpStatusCode.Conflict, "{}"));
        using var http = gateway.Client();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new FeedAdmin(http, "t").EnsureFeedsAsync("BTC-USD", new IndexPolicyTerms(), ["sim-1"], null, CancellationToken.None));
        Assert.Contains("already has a feed 'sim-1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_policy_stops_registration()
    {
        var gateway = new RecordingHandler((HttpStatusCode.Unauthorized, """{"code":"UNAUTHORIZED"}"""));
        using var http = gateway.Client();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new FeedAdmin(http, "wrong").EnsureFeedsAsync("BTC-USD", new IndexPolicyTerms(), ["sim-1"], null, CancellationToken.None));
        Assert.Single(gateway.Requests);
    }
}
