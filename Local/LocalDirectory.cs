namespace Exchange.Local;

/// <summary>
/// The local run's own files (the private PostgreSQL data, the key that encrypts API secrets): <c>Local:DataDirectory</c>
/// when set, else <c>.local/</c> at the root of the repository (git-ignored), else the user's data folder.
/// </summary>
internal sealed class LocalDirectory(string root)
{
    private const string SolutionFile = "Exchange.Orleans.sln";

    public string Root { get; } = root;

    public static LocalDirectory From(IConfiguration configuration)
    {
        var configured = configuration["Local:DataDirectory"];
        if (!string.IsNullOrWhiteSpace(configured))
            return new LocalDirectory(Path.GetFullPath(configured));
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return new LocalDirectory(Path.Combine(dir.FullName, ".local"));
        }
        return new LocalDirectory(Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "exchange-orleans"));
    }

    public string PathOf(string name)
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, name);
    }
}
