using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Exchange.Persistence;

/// <summary>One schema migration: the text of a <c>db/migrations/NNNN_name.sql</c> file.</summary>
/// <param name="Version">The file name without extension, e.g. <c>0001_market_journal</c>.</param>
/// <param name="Sql">The file's text with line endings normalised to LF.</param>
public sealed partial record Migration(string Version, string Sql)
{
    private const string ResourcePrefix = "migrations/";

    /// <summary>
    /// SHA-256 of the text, lower-case hex. Recorded when applied so that an edit to a
    /// file that already ran somewhere is detected instead of silently diverging.
    /// Computed on access (not stored) so a <c>with</c> copy never carries a stale hash.
    /// </summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>The migrations embedded in this assembly (see Grains.csproj), in apply order.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded() => Load(typeof(Migration).Assembly);

    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                        && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new Migration(Path.GetFileNameWithoutExtension(name), ReadResource(assembly, name)))
            .ToList();

        // An empty list means the EmbeddedResource item broke; applying "nothing"
        // would leave the silo running against a missing schema.
        if (migrations.Count == 0)
            throw new InvalidOperationException($"No '{ResourcePrefix}*.sql' resources are embedded in {assembly.GetName().Name}.");

        // Apply order is name order, which only equals intended order with fixed-width
        // numbers; two files with the same number (parallel branches) would run in an
        // accidental order, so both mistakes fail fast here.
        var numbers = new HashSet<int>();
        foreach (var migration in migrations)
        {
            if (!VersionPattern().IsMatch(migration.Version))
                throw new InvalidOperationException($"Migration '{migration.Version}' must be named NNNN_lower_snake_case.sql.");
            if (!numbers.Add(int.Parse(migration.Version.AsSpan(0, 4), CultureInfo.InvariantCulture)))
                throw new InvalidOperationException($"Migration number of '{migration.Version}' is used by another file.");
        }
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' vanished.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A checkout with core.autocrlf would otherwise change the checksum of
        // every applied file and make silos built on Windows refuse to start.
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    [GeneratedRegex("^[0-9]{4}_[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
