using System.Text.Json;

namespace Exchange.PriceFeeds;

/// <summary>A registered feed of an index and the API key it signs its prices with (the secret is shown once, at registration).</summary>
public sealed record FeedCredentials(string Index, string Name, string FeedId, string ApiKey, string ApiSecret);

/// <summary>
/// Feed keys kept in a JSON file between runs (<c>{"feeds":[{index,name,feedId,apiKey,apiSecret}]}</c>), because a
/// feed name can be registered only once and its secret is never shown again. The file holds secrets: it is written
/// readable by its owner only where the platform allows.
/// </summary>
public static class FeedKeyFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed record Contents(FeedCredentials[] Feeds);

    public static IReadOnlyList<FeedCredentials> Load(string path)
    {
        if (!File.Exists(path)) return [];
        var contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), Json);
        return contents?.Feeds ?? [];
    }

    /// <summary>Adds or replaces (by index and name) the given feeds in the file.</summary>
    public static void Save(string path, IEnumerable<FeedCredentials> feeds)
    {
        var all = Load(path).ToList();
        foreach (var feed in feeds)
        {
            all.RemoveAll(f => f.Index == feed.Index && f.Name == feed.Name);
            all.Add(feed);
        }
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory) Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Contents([.. all]), Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}
