namespace Exchange.Tests.Stress;

/// <summary>Where the shipped scenario files are: stress/scenarios, found upward from the test's directory.</summary>
internal static class ScenarioFiles
{
    public static string Directory { get; } = Find();

    public static string PathOf(string name) => System.IO.Path.Combine(Directory, name + ".json");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "stress", "scenarios");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"stress/scenarios not found above {AppContext.BaseDirectory}");
    }
}
