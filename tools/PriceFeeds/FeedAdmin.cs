using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Exchange.PriceFeeds;

/// <summary>An index's policy as the admin API takes it: feeds needed, when a feed is stale, how far a feed may stray from the median.</summary>
public sealed record IndexPolicyTerms(int MinFeeds = 2, long StaleAfterMs = 5_000, int MaxDeviationBps = 200);

/// <summary>
/// The operator's side of feeds, through the admin API with the admin bearer token: configuring an index and
/// registering its feeds. Only the <see cref="HttpClient"/>'s base address is called.
/// </summary>
public sealed class FeedAdmin(HttpClient http, string adminToken)
{
    /// <summary>Creates the index or replaces its policy (idempotent).</summary>
    public async Task ConfigureIndexAsync(string index, IndexPolicyTerms policy, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("/admin/v1/indices",
            new { index, minFeeds = policy.MinFeeds, staleAfterMs = policy.StaleAfterMs, maxDeviationBps = policy.MaxDeviationBps }, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Registers a feed and returns its keys, or null when the index already has a feed of that name.</summary>
    public async Task<FeedCredentials?> RegisterFeedAsync(string index, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync($"/admin/v1/indices/{Uri.EscapeDataString(index)}/feeds", new { name }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict) return null;
        var answer = await EnsureSuccessAsync(response, cancellationToken);
        return new FeedCredentials(index, name, Required(answer, "feedId"), Required(answer, "apiKey"), Required(answer, "apiSecret"));
    }

    /// <summary>
    /// Configures the index and gives each named feed its keys: a feed registered now, else (its name taken) the keys
    /// kept for it in <paramref name="keyFile"/>. New keys are added to the key file. A taken name without kept keys is
    /// an error that says so: its secret cannot be recovered, only a new name registered.
    /// </summary>
    public async Task<FeedCredentials[]> EnsureFeedsAsync(string index, IndexPolicyTerms policy, IEnumerable<string> names, string? keyFile,
        CancellationToken cancellationToken)
    {
        await ConfigureIndexAsync(index, policy, cancellationToken);
        var kept = keyFile is null ? [] : FeedKeyFile.Load(keyFile);
        var feeds = new List<FeedCredentials>();
        var registered = new List<FeedCredentials>();
        foreach (var name in names)
        {
            if (await RegisterFeedAsync(index, name, cancellationToken) is { } feed)
            {
                registered.Add(feed);
                feeds.Add(feed);
            }
            else
            {
                feeds.Add(kept.FirstOrDefault(f => f.Index == index && f.Name == name)
                    ?? throw new InvalidOperationException($"{index} already has a feed '{name}' and its keys are not in " +
                                                           $"{keyFile ?? "a key file (--keys)"}: register other names (--feeds)"));
            }
        }
        if (keyFile is not null && registered.Count > 0) FeedKeyFile.Save(keyFile, registered);
        return [.. feeds];
    }

    private async Task<HttpResponseMessage> SendAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<JsonElement> EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: " +
                                                $"{(int)response.StatusCode} {(text.Length > 300 ? text[..300] : text)}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Required(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
            ? text : throw new InvalidOperationException($"the feed registration answer has no '{name}'");
}
