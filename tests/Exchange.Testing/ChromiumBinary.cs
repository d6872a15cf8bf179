namespace Exchange.Tests.Infrastructure;

/// <summary>Locates a Chromium (or Chrome) executable for the browser tests, which never download a browser of their own.</summary>
public static class ChromiumBinary
{
    /// <summary>The path of a Chromium executable to use instead of searching PATH.</summary>
    public const string EnvironmentVariable = "EXCHANGE_TEST_CHROMIUM";

    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>The executable named by <see cref="EnvironmentVariable"/>, else the first of the usual names on PATH; null if none.</summary>
    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return File.Exists(configured) ? configured : null;
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return Names.SelectMany(name => directories.Select(directory => Path.Combine(directory, name))).FirstOrDefault(File.Exists);
    }

    /// <summary>Why a browser test cannot run, and how to fix it.</summary>
    public static string MissingMessage =>
        "The browser tests need Chromium, but none was found: " +
        (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured
            ? $"{EnvironmentVariable} names {configured}, which does not exist. "
            : $"none of {string.Join(", ", Names)} is on PATH. ") +
        "Install it (Debian/Ubuntu: `sudo apt-get install chromium`; Fedora: `sudo dnf install chromium`; macOS: install " +
        $"Google Chrome and set {EnvironmentVariable} to its executable), or set {EnvironmentVariable} to a Chromium executable.";
}
