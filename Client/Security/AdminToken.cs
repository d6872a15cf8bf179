using System.Security.Cryptography;
using System.Text;

namespace Exchange.Client.Security;

/// <summary>The admin API's bearer token: configured, or generated for a local run (then printed at start-up).</summary>
public sealed class AdminToken
{
    private readonly byte[] _token;

    public AdminToken(string? configured)
    {
        Generated = string.IsNullOrWhiteSpace(configured);
        Value = Generated ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : configured!;
        _token = Encoding.UTF8.GetBytes(Value);
    }

    public string Value { get; }

    public bool Generated { get; }

    public bool Matches(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value[7..]), _token);
    }
}
