namespace Exchange.LocalPostgres;

/// <summary>Locates the PostgreSQL server tools needed to run a server of our own (tests, benchmarks, the local run).</summary>
public static class PostgresBinaries
{
    private static readonly string[] RequiredTools = ["initdb", "pg_ctl", "postgres"];

    /// <summary>
    /// The directory holding initdb, pg_ctl and postgres: PATH first (an explicit
    /// choice wins), then the newest Debian/Ubuntu versioned directory, since the
    /// Debian package does not put the server tools on PATH.
    /// </summary>
    public static string? FindDirectory()
    {
        var pathDirectories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

        var debianDirectories = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(versionDir => (Version: ParseMajor(Path.GetFileName(versionDir)), Bin: Path.Combine(versionDir, "bin")))
                .Where(candidate => candidate.Version is not null)
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
            : [];

        return pathDirectories.Concat(debianDirectories).FirstOrDefault(HasAllTools);
    }

    /// <param name="environmentVariable">The setting that names an existing server instead.</param>
    public static string MissingMessage(string environmentVariable) =>
        "PostgreSQL is needed here, but the server binaries (initdb, pg_ctl, postgres) " +
        "were found neither on PATH nor under /usr/lib/postgresql/<version>/bin. Either install them " +
        "(Debian/Ubuntu: `sudo apt-get install postgresql`; Fedora: `sudo dnf install postgresql-server`; " +
        "macOS: `brew install postgresql@15`), or set " + environmentVariable + " to the connection string of " +
        "a PostgreSQL 15+ server whose user may CREATE DATABASE, e.g. " +
        "\"Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=postgres\".";

    private static bool HasAllTools(string directory) =>
        RequiredTools.All(tool => File.Exists(Path.Combine(directory, tool)));

    // "15" or "9.6" -> comparable version; anything else (e.g. a stray file) is ignored.
    private static Version? ParseMajor(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;
}
