using System.Security.Cryptography;
using System.Text;

namespace Exchange.Client.Security;

/// <summary>
/// Encrypts API secrets at rest with AES-256-GCM under the gateway's key. A secret cannot be stored as a one-way
/// hash: checking an HMAC signature needs the secret itself. The API key is the associated data, so a ciphertext
/// copied onto another key's row does not decrypt.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceSize = 12, TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("the secret encryption key must be 32 bytes", nameof(key));
        _key = key;
    }

    /// <summary>A protector under a key made now: secrets it protects cannot be read by a later process.</summary>
    public static SecretProtector WithNewKey() => new(RandomNumberGenerator.GetBytes(32)) { KeyGenerated = true };

    public bool KeyGenerated { get; private init; }

    public byte[] Protect(string secret, string apiKey)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var blob = new byte[NonceSize + TagSize + plain.Length];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(apiKey));
        return blob;
    }

    /// <summary>The secret's UTF-8 bytes (the HMAC key), or null if the blob was not made under this key for this API key.</summary>
    public byte[]? Unprotect(byte[] blob, string apiKey)
    {
        if (blob.Length < NonceSize + TagSize) return null;
        var plain = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plain,
                Encoding.UTF8.GetBytes(apiKey));
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
