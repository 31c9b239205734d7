using System.Security.Cryptography;
using System.Text;

namespace AgbCode.Server.Auth;

/// <summary>Hashing and comparing secrets (API keys, session tokens) without leaking anything through timing.</summary>
internal static class Secrets
{
    public static byte[] Sha256(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares the hashes, so the time taken depends on neither the secrets' contents nor their lengths.</summary>
    public static bool Matches(string presented, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Sha256(presented), expectedHash);

    /// <summary>A fresh random secret: 32 bytes, base64url.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The bytes of a <see cref="Base64Url"/> text; null when it is not one.</summary>
    public static byte[]? FromBase64Url(string text)
    {
        string padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
