using System.Security.Cryptography;

namespace Exchange.Local;

/// <summary>
/// A durable local run keeps API keys in PostgreSQL, encrypted under Gateway:SecretKey; a key generated per run would
/// make yesterday's API keys useless today. So unless one is configured, the key is made once and kept (owner-only)
/// beside the private data.
/// </summary>
internal static class SecretKeyFile
{
    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(path, key);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
