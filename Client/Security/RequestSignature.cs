using System.Security.Cryptography;
using System.Text;

namespace Exchange.Client.Security;

/// <summary>
/// The request signature: lower-case hex of HMAC-SHA256 keyed by the UTF-8 bytes of the API secret, over the UTF-8
/// bytes of timestamp + METHOD + path-with-query and, when there is a body, a newline (byte 0x0A) and the raw body
/// bytes. The newline is the boundary between target and body: a target never holds one (<see cref="IsSignableTarget"/>),
/// so no body can be read as part of the target, nor the other way round, and a request without a body signs exactly
/// as before the boundary existed. Pure; clients and tests use the same function.
/// </summary>
public static class RequestSignature
{
    public const int HexLength = 64;

    public static string Compute(string secret, string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Hash(Encoding.UTF8.GetBytes(secret), timestamp, method, pathAndQuery, body));

    /// <summary>Constant-time comparison; a signature that is not 64 lower-case hex digits never matches.</summary>
    public static bool Matches(byte[] secret, string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body, string signature)
    {
        if (signature.Length != HexLength) return false;
        Span<byte> given = stackalloc byte[HexLength / 2];
        for (var i = 0; i < given.Length; i++)
        {
            var high = HexDigit(signature[2 * i]);
            var low = HexDigit(signature[2 * i + 1]);
            if (high < 0 || low < 0) return false;
            given[i] = (byte)(high * 16 + low);
        }
        return CryptographicOperations.FixedTimeEquals(Hash(secret, timestamp, method, pathAndQuery, body), given);
    }

    /// <summary>A target the signature can stand for: starts with '/', and no control character (so no newline).</summary>
    public static bool IsSignableTarget(string pathAndQuery) =>
        pathAndQuery.Length > 0 && pathAndQuery[0] == '/' && !pathAndQuery.AsSpan().ContainsAnyInRange('\u0000', '\u001f')
        && !pathAndQuery.Contains('\u007f', StringComparison.Ordinal);

    private static byte[] Hash(byte[] secret, string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.UTF8.GetBytes(string.Concat(timestamp, method, pathAndQuery)));
        if (!body.IsEmpty)
        {
            hmac.AppendData("\n"u8);
            hmac.AppendData(body);
        }
        return hmac.GetHashAndReset();
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
